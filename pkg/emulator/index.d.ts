// Types for the keygate provider emulator (keygate/emulator). The per-provider parts (ids, each
// provider's config, URLs and demo keys) are generated into ./providers.d.ts by scripts/gen.mjs from
// pkg/emulator/providers/<id>.js.

import type { ProviderId, MountKey, CorsKey, ProviderConfigs, EmulatorUrls, DemoKeys } from "./providers.js";
export type { ProviderId, MountKey, CorsKey, ProviderConfigs, EmulatorUrls, DemoKeys } from "./providers.js";

export type CorsPolicy = "open" | "strict" | "none" | string[];

export interface EmulatorOptions {
  /** Provider listener port; 0 (default) picks a free one. */
  port?: number;
  /** Address to bind; default "127.0.0.1". Anything but loopback emits a KEYGATE_EMULATOR_EXPOSED warning. */
  host?: string;
  /** false: no process warning for a bind beyond loopback (the CLI prints its own). Default true. */
  warnExposed?: boolean;
  /** Extra origins (e.g. "http://127.0.0.1:5173", a test page) allowed to use /_emulator/*. */
  controlOrigins?: string[];
  /** false: print one line per request to stderr (credentials redacted). Default true. */
  quiet?: boolean;
  /** Port of the cross-origin trap listener; 0 (default) picks a free one. */
  crossOriginPort?: number;
}

export type Credentials<P = Record<string, unknown>> = string[] | Array<{ key: string } & P> | Record<string, P | true>;

export interface Scenario {
  match?: { provider?: MountKey; variant?: "hosted" | "self"; method?: string | string[]; path?: string | RegExp };
  /** Fault specs consumed one per matching request; "ok" or null for a normal answer. */
  faults: Array<string | null>;
  name?: string;
}

export interface EmulatorConfig extends ProviderConfigs {
  defaults?: boolean;
  maxBodyBytes?: number;
  /** false: every answer carries `Connection: close` (one connection per request). Default true. */
  keepAlive?: boolean;
  rateLimit?: Partial<Record<ProviderId, { limit: number; windowSec?: number; burst?: number } | null>>;
  cors?: Partial<Record<CorsKey, CorsPolicy>>;
  scenarios?: Scenario[];
}

export interface LogEntry {
  seq: number;
  time: string;
  provider: ProviderId | "cross-origin";
  mount: string;
  variant: "hosted" | "self" | null;
  method: string;
  path: string;
  url: string;
  status: number | null;
  requestId: string;
  idempotencyKey?: string | null;
  attempt?: number;
  echo?: string | null;
  fault?: string | null;
  faultSource?: "header" | "scenario" | null;
  preflight: boolean;
  aborted?: boolean;
  origin?: string | null;
  corsAllowed?: boolean | null;
  /** Request headers, lower-case names, credentials redacted. */
  headers: Record<string, string | string[]>;
  requestBytes?: number;
  responseBytes?: number;
  durationMs?: number;
  error?: string;
}

export interface TrapRecord {
  method: string;
  url: string;
  /** Unredacted: what actually reached the trap. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  time: string;
}

export interface CountFilter {
  provider?: MountKey | "cross-origin";
  variant?: "hosted" | "self";
  method?: string;
  path?: string | RegExp;
  status?: number;
  idempotencyKey?: string;
  echo?: string;
  fault?: string;
  preflight?: boolean;
}

export interface Emulator {
  url: string;
  port: number;
  host: string;
  /** true when bound to an address other machines can reach (anything but loopback). */
  exposed: boolean;
  urls: EmulatorUrls;
  crossOrigin: { url: string; port: number; received: TrapRecord[] };
  log: LogEntry[];
  config: EmulatorConfig;
  demo: typeof DEMO_KEYS;
  counts(filter?: CountFilter): number;
  reset(): void;
  addScenario(scenario: Scenario): void;
  /** Let a page at `origin` use /_emulator/* from now on. Throws a TypeError for a non-origin. */
  allowControlOrigin(origin: string): void;
  pendingScenarios(): Scenario[];
  state(): Record<ProviderId, Record<string, number>>;
  /** How many requests each rate limit refused since the last reset. */
  stats(): { refused: Record<MountKey, number> };
  close(): Promise<void>;
}

export function startEmulator(config?: EmulatorConfig | string, options?: EmulatorOptions): Promise<Emulator>;

export const DEMO_KEYS: DemoKeys;
export const DEFAULT_CONFIG: Readonly<EmulatorConfig>;
export const MOUNTS: ReadonlyArray<{ prefix: string; provider: ProviderId; key: string; corsKey: string; variant: "hosted" | "self" | null }>;
export const BYPASS_PARAM: string;
export class ConfigError extends Error {}
export class FaultSpecError extends Error {}
export function mergeConfig(user?: EmulatorConfig): EmulatorConfig;
export function loadConfigFile(path: string): EmulatorConfig;
export function makeFakeJwt(payload: Record<string, unknown>): string;
export function parseFault(spec: string): { spec: string; delayMs: number; terminal: Record<string, unknown> | null };
export function redactSecret(value: string): string;
