// Shared pieces of the official-client tests: the pinned clients' paths (set by mk/official.mk)
// and a child-process runner with a bounded time. A missing client fails loudly.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import assert from "node:assert/strict";

export function requiredPath(name) {
  const p = process.env[name];
  assert.ok(p && existsSync(p), `${name} is not set to an installed client (run through \`make test-official\`): ${p ?? "unset"}`);
  return p;
}

/** Run a command; resolves {code, stdout, stderr}. Killed after `timeoutMs`. */
export function run(cmd, args, { env = {}, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
