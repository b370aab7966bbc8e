// A Cloudflare Worker that runs the contract suite: it imports keygate by name, as a Worker
// author does (the bundler, or tests/runtimes/workerd.mjs here, resolves "keygate" through the
// exports map's `workerd` condition to pkg/src/workerd.js, whose .wasm import is a CompiledWasm
// module), builds clients from its env bindings with Client.fromEnv, and answers
// `GET /run?group=<name>[&only=<regex>]` with the group's results as JSON.
// Bindings: the provider variables (POSTIZ_API_KEY, POSTIZ_API_URL, ...), EMULATORS (JSON:
// {main, strict, grid}) and DEMO_KEYS (JSON, from the emulator).
import * as k from "keygate";
import * as kv from "keygate/validate";
import * as kp from "keygate/pace";
import { runWithValidateEntry } from "./validate-entry.js";
import { cases } from "../contract/cases.js";
import { makeContext, runCases } from "../contract/harness.js";

// Every unhandled rejection, for the faultgrid group's check: workerd dispatches the web
// `unhandledrejection` event on the global scope (module state lives as long as the isolate).
const unhandled = [];
addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  unhandled.push(e.reason);
});

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      return Response.json({ ok: true, client: typeof k.Client, ready: await k.ready.then(() => true) });
    }
    if (url.pathname !== "/run") return new Response("not found", { status: 404 });
    const group = url.searchParams.get("group");
    const only = url.searchParams.get("only");
    const lines = [];
    const ctx = makeContext({
      k, kp, runtime: "workerd", DEMO_KEYS: env.DEMO_KEYS, env,
      emulator: env.EMULATORS.main, strict: env.EMULATORS.strict, grid: env.EMULATORS.grid, unhandled,
    });
    const result = await runWithValidateEntry(runCases, cases, ctx, kv, {
      groups: group ? [group] : null,
      only: only ? new RegExp(only, "i") : null,
      log: (line) => lines.push(line),
    });
    return Response.json({ ...result, lines });
  },
};
