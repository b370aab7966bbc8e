// Fault specs (`X-Keygate-Fault` header or config scenarios) and the scenario queue.

export class FaultSpecError extends Error {}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
export const MAX_OVERSIZED_BYTES = 256 * 1024 * 1024;

function int(text, what, spec) {
  if (!/^\d+$/.test(text)) throw new FaultSpecError(`fault "${spec}": ${what} must be a whole number`);
  return Number(text);
}

function errorStatus(text, spec) {
  const status = int(text, "status", spec);
  if (status < 400 || status > 599) throw new FaultSpecError(`fault "${spec}": status must be 400-599`);
  return status;
}

function anyStatus(text, spec) {
  const status = int(text, "status", spec);
  if (status < 200 || status > 599) throw new FaultSpecError(`fault "${spec}": status must be 200-599`);
  return status;
}

function redirectStatus(text, spec) {
  const status = int(text, "status", spec);
  if (!REDIRECT_STATUSES.has(status)) throw new FaultSpecError(`fault "${spec}": redirect status must be 301, 302, 303, 307 or 308`);
  return status;
}

/** Parse one step; returns `{delayMs}` or `{terminal}` or `{}` (no fault). */
function parseStep(step, spec) {
  const [name, ...args] = step.split(":");
  const arg = args.join(":");
  const lower = name.toLowerCase();
  if (/^\d{3}$/.test(name)) {
    const status = errorStatus(name, spec);
    const t = { kind: "status", status };
    if (status === 429) t.retry = { mode: "seconds", seconds: arg ? int(arg, "Retry-After seconds", spec) : 1 };
    else if (arg) t.retry = { mode: "seconds", seconds: int(arg, "Retry-After seconds", spec) };
    return { terminal: t };
  }
  switch (lower) {
    case "ok":
    case "pass":
    case "none":
      return {};
    case "delay":
      return { delayMs: int(arg, "delay", spec) };
    case "429-date":
      return { terminal: { kind: "status", status: 429, retry: { mode: "date", seconds: arg ? int(arg, "seconds", spec) : 1 } } };
    case "429-body":
      return { terminal: { kind: "status", status: 429, retry: { mode: "body", seconds: arg ? int(arg, "seconds", spec) : 1 } } };
    case "slow-body":
      return { terminal: { kind: "slow-body", ms: int(arg, "duration", spec), post: true } };
    case "reset":
      return { terminal: { kind: "reset", post: true } };
    case "hangup":
      return { terminal: { kind: "hangup" } };
    case "truncated-json":
      return { terminal: { kind: "truncated-json", status: arg ? anyStatus(arg, spec) : null, post: !arg } };
    case "malformed-json":
      return { terminal: { kind: "malformed-json", status: arg ? anyStatus(arg, spec) : null, post: !arg } };
    case "empty-body":
      return { terminal: { kind: "empty-body", status: anyStatus(arg, spec) } };
    case "html":
      return { terminal: { kind: "html", status: anyStatus(arg, spec) } };
    case "oversized": {
      const [bytesText, statusText] = arg.split(":");
      const bytes = int(bytesText ?? "", "size", spec);
      if (bytes > MAX_OVERSIZED_BYTES) throw new FaultSpecError(`fault "${spec}": size above ${MAX_OVERSIZED_BYTES}`);
      const status = statusText ? anyStatus(statusText, spec) : null;
      return { terminal: { kind: "oversized", bytes, status, post: !status } };
    }
    case "redirect-same":
      return { terminal: { kind: "redirect", target: "same", status: arg ? redirectStatus(arg, spec) : 302 } };
    case "redirect-cross":
      return { terminal: { kind: "redirect", target: "cross", status: arg ? redirectStatus(arg, spec) : 302 } };
    case "redirect-cross-307":
      return { terminal: { kind: "redirect", target: "cross", status: 307 } };
    case "redirect-cross-308":
      return { terminal: { kind: "redirect", target: "cross", status: 308 } };
    default:
      throw new FaultSpecError(`unknown fault "${step}"`);
  }
}

/**
 * Parse a fault spec such as `503`, `429:2`, `delay:200,503`.
 * @returns {{spec:string, delayMs:number, terminal:object|null}}
 */
export function parseFault(spec) {
  const text = String(spec ?? "").trim();
  const result = { spec: text, delayMs: 0, terminal: null };
  if (text === "") return result;
  for (const raw of text.split(",")) {
    const step = raw.trim();
    if (!step) continue;
    const parsed = parseStep(step, text);
    if (parsed.delayMs) result.delayMs += parsed.delayMs;
    if (parsed.terminal) {
      if (result.terminal) throw new FaultSpecError(`fault "${text}": only one fault besides delay`);
      result.terminal = parsed.terminal;
    }
  }
  return result;
}

/** Longest scenario path or glob accepted (a path longer than any real request target is a mistake). */
export const MAX_GLOB_LENGTH = 2048;

/**
 * Whether `path` matches `glob`, where `*` stands for any run of characters (`/` included) and
 * everything else is literal. Linear in practice and never backtracking: the glob's literal pieces
 * are found left to right (the first anchored at the start, the last at the end), each at its
 * leftmost place, which is correct for `*`-only globs. Cost is at most one `indexOf` scan per piece.
 */
export function globMatch(glob, path) {
  const pieces = glob.split("*");
  if (pieces.length === 1) return glob === path;
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (path.length < first.length + last.length) return false;
  if (!path.startsWith(first) || !path.endsWith(last)) return false;
  let at = first.length;
  const end = path.length - last.length;
  for (let i = 1; i < pieces.length - 1; i += 1) {
    const piece = pieces[i];
    if (piece === "") continue;
    const found = path.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** Whether a request `{provider, variant, method, path}` matches a scenario's `match`. */
export function matchesScenario(match, info) {
  if (!match) return true;
  if (match.provider && match.provider !== info.provider && match.provider !== info.providerKey) return false;
  if (match.variant && match.variant !== info.variant) return false;
  if (match.method) {
    const methods = (Array.isArray(match.method) ? match.method : [match.method]).map((m) => String(m).toUpperCase());
    if (!methods.includes(info.method)) return false;
  }
  if (match.path !== undefined) {
    const p = match.path;
    if (p instanceof RegExp) {
      if (!p.test(info.path)) return false;
    } else if (!globMatch(String(p), String(info.path))) {
      return false;
    }
  }
  return true;
}

/** Check a scenario's shape and its fault specs; throws on a bad one. */
export function validateScenario(s, where = "scenario") {
  if (s === null || typeof s !== "object") throw new FaultSpecError(`${where} must be an object`);
  if (!Array.isArray(s.faults)) throw new FaultSpecError(`${where}.faults must be an array of fault specs`);
  for (const f of s.faults) if (f !== null) parseFault(f);
  if (s.match !== undefined && (s.match === null || typeof s.match !== "object")) {
    throw new FaultSpecError(`${where}.match must be an object`);
  }
  const path = s.match?.path;
  if (path !== undefined && !(path instanceof RegExp)) {
    if (typeof path !== "string") throw new FaultSpecError(`${where}.match.path must be a string (exact, or with * globs)`);
    if (path.length > MAX_GLOB_LENGTH) throw new FaultSpecError(`${where}.match.path is longer than ${MAX_GLOB_LENGTH} characters`);
  }
}

/** Scenarios whose faults are consumed one per matching request, in order. */
export function createScenarioQueue(initial = []) {
  let items = [];
  const api = {
    reset(list = initial) {
      items = list.map((s, i) => {
        validateScenario(s, `scenarios[${i}]`);
        return { match: s.match ?? {}, faults: [...s.faults], name: s.name ?? null };
      });
    },
    add(s) {
      validateScenario(s);
      items.push({ match: s.match ?? {}, faults: [...s.faults], name: s.name ?? null });
    },
    /** The next fault for a request, or undefined when no scenario applies. */
    take(info) {
      for (const item of items) {
        if (item.faults.length && matchesScenario(item.match, info)) return item.faults.shift() ?? "";
      }
      return undefined;
    },
    /** Faults not consumed yet, per scenario. */
    pending() {
      return items.map((i) => ({ match: i.match, name: i.name, faults: [...i.faults] }));
    },
  };
  api.reset(initial);
  return api;
}
