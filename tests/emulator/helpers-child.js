// Helpers for tests that must see the emulator's process survive (or not): the emulator runs in a
// child process, requests go over raw TCP to 127.0.0.1 only, and every wait is bounded.
import net from "node:net";
import { spawn } from "node:child_process";
import { pathToFileURL, fileURLToPath } from "node:url";

const INDEX = pathToFileURL(fileURLToPath(new URL("../../pkg/emulator/index.js", import.meta.url))).href;

/**
 * Start an emulator in a child process. Resolves to `{url, port, trapPort, child, alive(), stop()}`
 * once it prints its ports; rejects after `ms`.
 */
export function startChildEmulator(config = {}, options = {}, ms = 8000) {
  const script = `
    import { startEmulator } from ${JSON.stringify(INDEX)};
    const emu = await startEmulator(${JSON.stringify(config)}, ${JSON.stringify({ port: 0, crossOriginPort: 0, ...options })});
    process.stdout.write(JSON.stringify({ url: emu.url, port: emu.port, trapPort: emu.crossOrigin.port }) + "\\n");
    process.on("SIGTERM", () => emu.close().then(() => process.exit(0)));
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`emulator child did not start in ${ms} ms: ${stderr}`));
    }, ms);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`emulator child exited early (${code ?? signal}): ${stderr}`));
    });
    child.stdout.on("data", (d) => {
      stdout += d;
      if (!stdout.includes("\n")) return;
      clearTimeout(timer);
      const info = JSON.parse(stdout.slice(0, stdout.indexOf("\n")));
      resolve({
        ...info,
        child,
        exited,
        stderr: () => stderr,
        alive: () => child.exitCode === null && child.signalCode === null,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill("SIGTERM");
          const t = setTimeout(() => child.kill("SIGKILL"), 3000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}

/**
 * Send raw bytes to 127.0.0.1:port and collect the answer until the server closes, or `ms` passes.
 * Resolves to `{status, text, closedBy}` (status null when no HTTP answer came).
 */
export function rawExchange(port, bytes, ms = 3000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const chunks = [];
    let settled = false;
    const finish = (closedBy) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, closedBy });
    };
    const timer = setTimeout(() => finish("timeout"), ms);
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => finish("server"));
    socket.on("close", () => finish("server"));
    socket.on("error", () => finish("error"));
  });
}

/** A bounded ordinary GET over raw TCP; resolves to the status (or null). */
export async function rawGet(port, path, headers = {}) {
  const lines = [`GET ${path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close", ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return rawExchange(port, `${lines.join("\r\n")}\r\n\r\n`);
}
