#!/usr/bin/env node
// The `keygate` command: check a key from stdin, diagnose the environment, or run the emulator.
// Keys are read from stdin or the environment, never from argv, so they stay out of shell history.
import { Client, validateKey, detectProvider, providers } from "../src/node.js";
import { PROVIDERS } from "./providers.js";

const USAGE = `Usage:
  keygate check [--provider P] [--kind K] [--json]   read a key from stdin and validate it
  keygate doctor [--live] [--json] [--base-url P=URL ...] [--timeout MS]
                                                   validate the providers' env variables; --live
                                                   makes one cheap authenticated call per provider
  keygate emulator [--port N] [--config FILE]        run the local provider emulator until Ctrl+C
                                                   (SIGINT) or SIGTERM; --help for its options

Exit codes: 0 all good; 1 a key is invalid or a live check failed; 2 usage error.`;

const PROVIDER_IDS = providers.map((p) => p.id);
const nameOf = (id) => providers.find((p) => p.id === id)?.name ?? id;
// Providers whose API keys have no prefix (detectProvider cannot name them), and one that can be
// self-hosted (for the --base-url example).
const NO_PREFIX = PROVIDER_IDS.filter((id) => PROVIDERS[id] && !PROVIDERS[id].apiKeyPrefix);
const SELF_HOSTED = PROVIDER_IDS.find((id) => PROVIDERS[id]?.baseSuffix) ?? PROVIDER_IDS[0];

class UsageError extends Error {}

function parse(argv, spec) {
  const out = { _: [] };
  const args = [...argv];
  while (args.length) {
    const a = args.shift();
    const [flag, inline] = a.includes("=") && a.startsWith("--") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "-h" || flag === "--help") out.help = true;
    else if (spec.bool?.includes(flag)) out[flag.slice(2)] = true;
    else if (spec.value?.includes(flag)) {
      const v = inline ?? args.shift();
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      if (spec.multi?.includes(flag)) (out[flag.slice(2)] ??= []).push(v);
      else out[flag.slice(2)] = v;
    } else throw new UsageError(`unknown option ${a}`);
  }
  return out;
}

async function readStdin(stdin) {
  if (stdin.isTTY) process.stderr.write("Paste the key, then press Enter (input is not echoed back):\n");
  const chunks = [];
  for await (const c of stdin) {
    chunks.push(c);
    if (Buffer.concat(chunks).length > 65536) break;
    if (stdin.isTTY && String(c).includes("\n")) break;
  }
  // Only the final newline of a pasted line is removed; anything else is the key's own problem.
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

function printValidation(out, v, label = "") {
  const mark = v.ok ? "ok " : "BAD";
  out.write(`${mark} ${label}${v.provider ?? "?"} ${v.kind} ${v.redacted}: ${v.code}\n    ${v.message}\n`);
  for (const w of v.warnings) out.write(`    warning ${w.code}: ${w.message}\n`);
}

async function check(argv, io) {
  const opts = parse(argv, { value: ["--provider", "--kind"], bool: ["--json"] });
  if (opts.help) return io.out.write(`${USAGE}\n`), 0;
  const key = await readStdin(io.stdin);
  const provider = opts.provider ?? detectProvider(key.trim());
  if (opts.provider && !PROVIDER_IDS.includes(opts.provider)) throw new UsageError(`--provider must be one of ${PROVIDER_IDS.join(", ")}`);
  if (!provider) {
    const result = { ok: false, provider: null, code: "unknown_provider", message: `no known prefix: pass --provider (${NO_PREFIX.join(", ")} keys have none)`, redacted: "…" };
    if (opts.json) io.out.write(`${JSON.stringify(result)}\n`);
    else io.out.write(`BAD ${result.message}\n`);
    return 1;
  }
  const v = validateKey(provider, key, opts.kind);
  if (opts.json) io.out.write(`${JSON.stringify(v)}\n`);
  else printValidation(io.out, v);
  return v.ok ? 0 : 1;
}

/** One cheap authenticated call per provider: the helper its description marks `live`. */
const LIVE = Object.fromEntries(PROVIDER_IDS.map((id) => [id, (c) => c[PROVIDERS[id].live]()]));

/** Plain words for a failed live call. */
function explain(e) {
  switch (e?.name) {
    case "SubscriptionError": return `the account has no active subscription (${nameOf(e.provider)} cloud needs one for the API)`;
    case "AuthenticationError": return `the key was refused: revoked, mistyped or for another account (${e.message})`;
    case "PermissionError": return e.code === "draft_key_publish" ? "this is a draft-only key: it cannot publish" : `the key may not do this (${e.message})`;
    case "BadRequestError": return e.code === "workspace_required" ? "a workspace id is missing: set POWERPOST_WORKSPACE_ID" : `the request was rejected (${e.message})`;
    case "PaymentRequiredError": return `out of credits or over the plan limit (${e.message})`;
    case "RateLimitError": return `rate limited${e.retryAfterMs != null ? ` until ${new Date(Date.now() + e.retryAfterMs).toISOString()}` : ""}`;
    case "TimeoutError": return "no answer in time";
    case "NetworkError": return `could not reach the server (${e.message})`;
    case "ServerError": return `the provider is failing (${e.status}: ${e.message})`;
    case "ConfigError": return `configuration problem: ${e.message}`;
    case "KeyFormatError": return `the key is malformed: ${e.message}`;
    default: return e?.message ?? String(e);
  }
}

async function doctor(argv, io) {
  const opts = parse(argv, { value: ["--base-url", "--timeout"], multi: ["--base-url"], bool: ["--live", "--json"] });
  if (opts.help) return io.out.write(`${USAGE}\n`), 0;
  const bases = {};
  for (const b of opts["base-url"] ?? []) {
    const i = b.indexOf("=");
    const id = b.slice(0, i);
    if (i < 1 || !PROVIDER_IDS.includes(id)) throw new UsageError(`--base-url takes PROVIDER=URL, e.g. ${SELF_HOSTED}=https://${SELF_HOSTED}.example.com`);
    bases[id] = b.slice(i + 1);
  }
  const timeoutMs = opts.timeout === undefined ? 10000 : Number(opts.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new UsageError("--timeout must be a positive whole number of ms");
  const report = [];
  let failed = false;
  for (const info of providers) {
    const raw = io.env[info.envApiKey];
    const entry = { provider: info.id, env: info.envApiKey, present: raw !== undefined && raw !== "" };
    if (entry.present) {
      const oauth = PROVIDERS[info.id]?.oauthPrefix;
      const v = validateKey(info.id, raw, oauth && raw.startsWith(oauth) && detectProvider(raw) === info.id ? "oauth_token" : "api_key");
      entry.validation = { ok: v.ok, code: v.code, message: v.message, redacted: v.redacted, warnings: v.warnings.map((w) => w.code) };
      if (!v.ok) failed = true;
      if (opts.live && v.ok) {
        try {
          const client = Client.fromEnv(info.id, io.env, { timeoutMs, maxRetries: 0, ...(bases[info.id] ? { baseUrl: bases[info.id] } : {}) });
          await LIVE[info.id](client);
          entry.live = { ok: true };
        } catch (e) {
          failed = true;
          entry.live = { ok: false, error: e?.name, code: e?.code, status: e?.status ?? null, explanation: explain(e) };
        }
      }
    }
    report.push(entry);
  }
  if (opts.json) {
    io.out.write(`${JSON.stringify({ ok: !failed, providers: report })}\n`);
  } else {
    for (const e of report) {
      if (!e.present) {
        io.out.write(`--  ${e.provider.padEnd(9)} ${e.env} not set\n`);
        continue;
      }
      const v = e.validation;
      io.out.write(`${v.ok ? "ok " : "BAD"} ${e.provider.padEnd(9)} ${v.redacted}: ${v.code}${v.warnings.length ? ` (warnings: ${v.warnings.join(", ")})` : ""}\n`);
      if (!v.ok) io.out.write(`    ${v.message}\n`);
      if (e.live) io.out.write(e.live.ok ? "    live: authenticated call succeeded\n" : `    live: FAILED, ${e.live.explanation}\n`);
    }
  }
  return failed ? 1 : 0;
}

export async function main(argv, io = { out: process.stdout, err: process.stderr, stdin: process.stdin, env: process.env }) {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "check": return await check(rest, io);
      case "doctor": return await doctor(rest, io);
      case "emulator": {
        // Resolves once the emulator has stopped (SIGINT/SIGTERM), with its exit code.
        const { serve } = await import("../emulator/cli.js");
        return await serve(rest, { stdout: io.out, stderr: io.err });
      }
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.out.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${cmd}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`keygate: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

const invoked = process.argv[1] && import.meta.url === new URL(`file://${(await import("node:fs")).realpathSync(process.argv[1])}`).href;
if (invoked) {
  // Every command resolves to its exit code (`emulator` only once it has stopped).
  process.exitCode = await main(process.argv.slice(2));
}
