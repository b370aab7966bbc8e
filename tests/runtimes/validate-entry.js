// `keygate/validate` in the matrix: every runner hands its full-package run through here, and the
// contract's validation cases then run a second time against the validation-only entry (`kv`),
// reported as group "validation@validate" (its failures are the run's failures, like any group's).
// The other groups run against the full package only, as before; nothing is skipped. Runtime-neutral
// (Node, Deno, Bun, Chromium window and worker, workerd).
export const VALIDATE_GROUP = "validation@validate";

export async function runWithValidateEntry(runCases, cases, ctx, kv, opts = {}) {
  const result = await runCases(cases, ctx, opts);
  if (opts.groups && !opts.groups.includes("validation") && !opts.groups.includes(VALIDATE_GROUP)) return result;
  if (!kv || typeof kv.validateKey !== "function" || typeof kv.buildHeaders !== "function") {
    throw new Error("keygate/validate did not load (no validateKey/buildHeaders)");
  }
  const own = cases.filter((c) => c.group === "validation").map((c) => ({ ...c, group: VALIDATE_GROUP }));
  const sub = await runCases(own, { ...ctx, k: kv }, { ...opts, groups: null });
  if (own.length > 0 && !sub.groups[VALIDATE_GROUP] && !(opts.only)) throw new Error("the validation cases did not run against keygate/validate");
  return {
    ...result,
    groups: { ...result.groups, ...sub.groups },
    failures: [...result.failures, ...sub.failures],
    skipped: [...(result.skipped ?? []), ...(sub.skipped ?? [])],
    ms: (result.ms ?? 0) + (sub.ms ?? 0),
  };
}
