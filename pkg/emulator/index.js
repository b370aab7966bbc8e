// keygate provider emulator: a loopback HTTP server imitating Poesius, Poelis,
// PowerPost and Postiz, with fault injection, for tests and demos. See README.md.
export { startEmulator, MOUNTS, BYPASS_PARAM } from "./server.js";
export {
  DEFAULT_CONFIG,
  DEMO_KEYS,
  ConfigError,
  mergeConfig,
  loadConfigFile,
  makeFakeJwt,
} from "./config.js";
export { parseFault, FaultSpecError } from "./lib/faults.js";
export { redactSecret } from "./lib/redact.js";
