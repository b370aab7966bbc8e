// A small GraphQL executor for the emulator: one operation per document, fields with aliases and
// arguments (variables or literals), nested selections, inline fragments (`... on Type`) and
// `__typename`. No schema: a resolver returns plain objects and the selection picks from them.

export class GraphQLSyntaxError extends Error {}

function tokenize(src) {
  const tokens = [];
  const re = /\s+|,|#[^\n]*|("(?:[^"\\]|\\.)*")|(\.\.\.)|([{}()[\]:!$=@|&])|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([_A-Za-z][_0-9A-Za-z]*)/y;
  let i = 0;
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new GraphQLSyntaxError(`Syntax Error: Unexpected character "${src[i]}".`);
    i = re.lastIndex;
    if (m[1]) tokens.push({ t: "str", v: JSON.parse(m[1]) });
    else if (m[2]) tokens.push({ t: "p", v: "..." });
    else if (m[3]) tokens.push({ t: "p", v: m[3] });
    else if (m[4]) tokens.push({ t: "num", v: Number(m[4]) });
    else if (m[5]) tokens.push({ t: "name", v: m[5] });
  }
  return tokens;
}

/** Parse a document: `{operation: "query"|"mutation", name, selections}`. */
export function parseOperation(src) {
  const tokens = tokenize(String(src ?? ""));
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const tok = tokens[pos++];
    if (!tok) throw new GraphQLSyntaxError("Syntax Error: Unexpected <EOF>.");
    return tok;
  };
  const expect = (v) => {
    const tok = next();
    if (tok.v !== v) throw new GraphQLSyntaxError(`Syntax Error: Expected "${v}", found "${tok.v}".`);
  };
  const skipBalanced = (open, close) => {
    let depth = 0;
    do {
      const tok = next();
      if (tok.v === open) depth += 1;
      else if (tok.v === close) depth -= 1;
    } while (depth > 0);
  };

  function value() {
    const tok = next();
    if (tok.v === "$" && tok.t === "p") return { variable: next().v };
    if (tok.t === "str" || tok.t === "num") return { literal: tok.v };
    if (tok.t === "name") return { literal: tok.v === "true" ? true : tok.v === "false" ? false : tok.v === "null" ? null : tok.v };
    if (tok.v === "[") {
      const list = [];
      while (peek()?.v !== "]") list.push(value());
      next();
      return { list };
    }
    if (tok.v === "{") {
      const fields = {};
      while (peek()?.v !== "}") {
        const name = next().v;
        expect(":");
        fields[name] = value();
      }
      next();
      return { object: fields };
    }
    throw new GraphQLSyntaxError(`Syntax Error: Unexpected "${tok.v}".`);
  }

  function selectionSet() {
    expect("{");
    const out = [];
    while (peek()?.v !== "}") {
      if (peek()?.v === "...") {
        next();
        let on = null;
        if (peek()?.v === "on") {
          next();
          on = next().v;
        }
        out.push({ fragment: on, selections: selectionSet() });
        continue;
      }
      let name = next();
      if (name.t !== "name") throw new GraphQLSyntaxError(`Syntax Error: Expected Name, found "${name.v}".`);
      let alias = name.v;
      if (peek()?.v === ":") {
        next();
        name = next();
      }
      const args = {};
      if (peek()?.v === "(") {
        next();
        while (peek()?.v !== ")") {
          const a = next().v;
          expect(":");
          args[a] = value();
        }
        next();
      }
      while (peek()?.v === "@") {
        next();
        next();
        if (peek()?.v === "(") skipBalanced("(", ")");
      }
      const field = { alias, name: name.v, args, selections: null };
      if (peek()?.v === "{") field.selections = selectionSet();
      out.push(field);
    }
    next();
    return out;
  }

  let operation = "query";
  let name = null;
  if (peek()?.t === "name") {
    operation = next().v;
    if (operation !== "query" && operation !== "mutation") throw new GraphQLSyntaxError(`Syntax Error: Unexpected Name "${operation}".`);
    if (peek()?.t === "name") name = next().v;
    if (peek()?.v === "(") skipBalanced("(", ")");
  }
  const selections = selectionSet();
  if (pos !== tokens.length) throw new GraphQLSyntaxError(`Syntax Error: Unexpected "${tokens[pos].v}".`);
  return { operation, name, selections };
}

/** The value of a parsed argument with the request's variables. */
export function argValue(v, variables) {
  if (!v) return undefined;
  if ("variable" in v) return variables?.[v.variable] ?? null;
  if ("literal" in v) return v.literal;
  if ("list" in v) return v.list.map((x) => argValue(x, variables));
  return Object.fromEntries(Object.entries(v.object).map(([k, x]) => [k, argValue(x, variables)]));
}

/** Pick the selected fields of `value` (objects carry their type in `__typename`). */
export function project(value, selections) {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => project(v, selections));
  if (!selections || typeof value !== "object") return value;
  const out = {};
  const apply = (sels) => {
    for (const s of sels) {
      if (s.fragment !== undefined && !s.name) {
        if (s.fragment === null || s.fragment === value.__typename) apply(s.selections);
        continue;
      }
      out[s.alias] = project(value[s.name], s.selections);
    }
  };
  apply(selections);
  return out;
}
