// A tiny path router: routes are `[method, "/path/:param", handler]`.

export function compileRoutes(defs) {
  return defs.map(([method, pattern, handler]) => {
    const names = [];
    const source = pattern
      .split("/")
      .map((seg) => {
        if (seg.startsWith(":")) {
          names.push(seg.slice(1));
          return "([^/]+)";
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    return { method, pattern, handler, names, re: new RegExp(`^${source}$`) };
  });
}

/**
 * Match a method and path.
 * @returns {{handler:Function, params:Record<string,string>} | {allowed:string[]} | null}
 */
export function matchRoute(routes, method, path) {
  const allowed = [];
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    if (r.method === method || (method === "HEAD" && r.method === "GET")) {
      const params = {};
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]);
        } catch {
          params[n] = m[i + 1];
        }
      });
      return { handler: r.handler, params };
    }
    allowed.push(r.method);
  }
  return allowed.length ? { allowed } : null;
}
