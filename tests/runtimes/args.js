// Command-line options shared by the runners (runtime-neutral: the caller passes its argv).
//   --only=<regex>    run only the cases whose "group/name" matches
//   --groups=a,b      run only these groups
//   --quiet           no per-case lines on stderr (failures are still printed)
export function parseRunnerArgs(argv) {
  const out = { only: null, groups: null, quiet: false, rest: [] };
  for (const a of argv) {
    if (a.startsWith("--only=")) out.only = new RegExp(a.slice(7), "i");
    else if (a.startsWith("--groups=")) out.groups = a.slice(9).split(",").filter(Boolean);
    else if (a === "--quiet") out.quiet = true;
    else out.rest.push(a);
  }
  return out;
}

/** A logger for runCases: every line when not quiet, else only failures. */
export function caseLogger(prefix, quiet, write) {
  return (line) => {
    if (!quiet || line.startsWith("FAIL")) write(`[${prefix}] ${line}`);
  };
}
