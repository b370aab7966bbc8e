// Loads the app (which imports keygate and waits for its WebAssembly) and reports a failure on the
// page instead of leaving it blank. Kept apart so the Content Security Policy needs no inline script.
const status = document.getElementById("boot-status");

import("./app.js").catch((err) => {
  status.textContent = `keygate could not load: ${err && err.message ? err.message : err}. ` +
    "Serve the repository root (node www/serve.mjs) after `make build`, and open /www/.";
  status.classList.add("bad");
  document.getElementById("app").setAttribute("aria-busy", "false");
});
