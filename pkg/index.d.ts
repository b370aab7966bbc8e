// keygate: the types of every export of the package (all runtime entries share them). This file is
// hand-written; the per-provider part (ids, helpers, result types, credential kinds) is generated
// from src/providers into providers.d.ts by scripts/gen.mjs.

import type { ProviderId, ProviderCredentials, ProviderHelpers, ProviderMcp, ProviderGraphql, McpResult } from "./providers.js";
export * from "./providers.js";
export type CredentialKind = "api_key" | "jwt" | "oauth_token";

export type ValidationCode =
  | "ok" | "empty" | "whitespace" | "has_scheme" | "non_ascii" | "control_char" | "wrong_prefix"
  | "bad_charset" | "too_short" | "too_long" | "bad_env" | "not_secret_key" | "bad_jwt"
  | "unsupported_kind" | "unknown_provider" | "not_a_string";

export type WarningCode = "unusual_length" | "unusual_format" | "test_key" | "jwt_expired" | "earlier_format";

export interface ValidationWarning {
  code: WarningCode;
  message: string;
}

export interface Validation {
  ok: boolean;
  /** `null` only when the provider id was not recognised. */
  provider: ProviderId | null;
  kind: CredentialKind;
  code: ValidationCode;
  message: string;
  /** Prefix and last 4 characters at most. */
  redacted: string;
  /** PowerPost key environment. */
  env?: "live" | "test";
  warnings: ValidationWarning[];
}

/** Never throws; never echoes the key. */
export function validateKey(provider: ProviderId, key: string, kind?: CredentialKind): Validation;
/** The provider for a recognised prefix (`pk_`, `poelis_api_`, `pp_`, `pos_`), else `null`. */
export function detectProvider(key: string): ProviderId | null;
/** Prefix, `…` and the last 4 characters at most. */
export function redact(key: string): string;

export type Credential =
  | { apiKey: string; jwt?: never; oauthToken?: never }
  | { jwt: string; apiKey?: never; oauthToken?: never }
  | { oauthToken: string; apiKey?: never; jwt?: never };

/** `buildHeaders` options: the provider and one of the credential kinds it accepts. */
export type HeaderOptions<P extends ProviderId = ProviderId> = ProviderCredentials[P] & {
  provider: P;
  /** PowerPost: `"default"` (`x-api-key`) or `"bearer"` (`Authorization: Bearer`). */
  scheme?: "default" | "bearer";
  /** PowerPost: sent as `X-Workspace-Id`. */
  workspaceId?: string;
};

/** Header name -> value, exactly as the provider documents. `JSON.stringify`, `toString` and
 * `util.inspect` show redacted values. Throws `KeyFormatError` on a bad credential. */
export function buildHeaders<P extends ProviderId>(options: HeaderOptions<P>, format?: { as?: "object" }): Record<string, string>;
/** A `Headers` whose display (console.dir, console.table, console.log, JSON) never shows a value. */
export function buildHeaders<P extends ProviderId>(options: HeaderOptions<P>, format: { as: "headers" }): Headers;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The options every client takes, whatever the provider. */
export interface ClientCommonOptions {
  /** PowerPost: `"default"` (`x-api-key`) or `"bearer"` (`Authorization: Bearer`). */
  scheme?: "default" | "bearer";
  /** Sent as the provider's workspace header (PowerPost `X-Workspace-Id`). */
  workspaceId?: string;
  /** PowerPost key permission; `read_draft` keys may not publish. */
  keyType?: "read_write" | "read_draft";
  /** Base URL; for Postiz the backend root (`/public/v1` is appended unless present). */
  baseUrl?: string;
  /** Poesius MCP endpoint (default `<baseUrl>/mcp`). */
  mcpUrl?: string;
  /** Per-attempt timeout in ms (default 30000, at most 600000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2, at most 10). */
  maxRetries?: number;
  /** Largest response body read, in bytes (default 10485760 = 10 MiB, at most 1 GiB); past it: `ApiError` `response_too_large`. */
  maxResponseBytes?: number;
  /** Allow `http://` to non-loopback hosts. */
  allowInsecureHttp?: boolean;
  /** Allow a secret API key in a browser window. */
  dangerouslyAllowBrowser?: boolean;
  /** A fetch implementation (default: the global `fetch`). */
  fetch?: FetchLike;
  /** Before each attempt (every value redacted: the URL through keygate's sanitiser). */
  onRequest?: (event: RequestEvent) => unknown;
  /** After each attempt that got an HTTP response. */
  onResponse?: (event: ResponseEvent) => unknown;
  /** Before keygate waits `delayMs` and retries. */
  onRetry?: (event: RetryEvent) => unknown;
  /** On a 429, or a response whose `rateLimit.remaining` is 0. */
  onRateLimit?: (event: RateLimitEvent) => unknown;
  /** Where log lines go (e.g. `console`); a throwing logger is ignored. */
  logger?: Logger;
  /** The lowest level logged (default `"info"`; `fromEnv` reads `KEYGATE_LOG`). */
  logLevel?: LogLevel;
  /**
   * Wait before each attempt instead of sending one the provider would refuse: a pacer from
   * `keygate/pace` (its own wasm): `pacer()` (the documented limit, corrected by the server's
   * `X-RateLimit-*`), `pacer(policy)`, and/or a shared store (`pacer({ store:
   * durablePacer(env.KEYGATE_PACER) })` with `durablePacer` from `keygate/cloudflare`). `true` is a
   * `ConfigError` (it would need the pacer's wasm loaded synchronously).
   */
  pace?: Pacer | false | null;
}

/** What `pacer()` from `keygate/pace` returns: pass it as the client's `pace` option. */
export interface Pacer {
  readonly [pacerBrand]: unknown;
}
declare const pacerBrand: unique symbol;

/** A limit: at most `limit` requests per `windowMs`, at most `burst` at once. */
export interface PacePolicy {
  limit: number;
  windowMs: number;
  burst?: number;
  /** Safety margin added to each window, in thousandths (default 10 = 1%). */
  marginPermille?: number;
  /** How long past its wait a waiter may go without polling before it loses its place (default 5000). */
  staleMs?: number;
}

export interface PaceOptions extends Partial<PacePolicy> {
  /** Where the buckets live (default: in memory, shared by the clients of the process). */
  store?: PaceStore;
  /** What the provider limits by (an organization id); default: a fingerprint of the credential. */
  scope?: string;
  /** The longest wait for a turn (default 7200000); past it a `RateLimitError`, nothing sent. */
  maxWaitMs?: number;
}

/** A bucket store (`durablePacer` from `keygate/cloudflare`, or your own). */
export interface PaceStore {
  /** Resolves with a grant number when the request may go; rejects with the signal's reason on abort. */
  acquire(scope: string, policy: PacePolicy | null, signal?: AbortSignal): Promise<number>;
  observe(scope: string, policy: PacePolicy | null, grant: number, rateLimit: RateLimit | null): unknown;
  observe429(scope: string, policy: PacePolicy | null, grant: number, retryAfterMs: number | null): unknown;
}

export type LogLevel = "debug" | "info" | "warn";
export interface Logger {
  debug(line: string): unknown;
  info(line: string): unknown;
  warn(line: string): unknown;
  error(line: string): unknown;
}
export interface RequestEvent {
  method: string;
  /** Sanitised: the client's credential (and anything shaped like a key) removed. */
  url: string;
  /** 1 for the first attempt. */
  attempt: number;
}
export interface ResponseEvent extends RequestEvent {
  status: number;
  /** The request id of a final answer (2xx or the error keygate reports), else `null`. */
  requestId: string | null;
  rateLimit: RateLimit | null;
  durationMs: number;
}
export interface RetryEvent {
  /** The attempt about to be made (2 for the first retry). */
  attempt: number;
  delayMs: number;
  reason: "rate_limited" | "server_error" | "status" | "timeout" | "network";
  /** The status that caused the retry, when there was a response. */
  status?: number;
}
export interface RateLimitEvent {
  rateLimit: RateLimit;
  /** The wait before the retry (or the server's Retry-After when keygate does not retry), else `null`. */
  retryAfterMs: number | null;
}

/** A client's options: the provider, one of the credential kinds it accepts, and the common options. */
export type ClientOptions<P extends ProviderId = ProviderId> = { provider: P } & ProviderCredentials[P] & ClientCommonOptions;

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestSpec {
  method?: "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | Lowercase<"GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS">;
  /** Relative to the base URL; absolute URLs and `..` are refused. */
  path?: string;
  query?: Record<string, QueryValue | QueryValue[]>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (FormData, Blob, string, bytes). */
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key`; makes POST/PATCH retryable. */
  idempotencyKey?: string;
  /** `"mcp"` sends to the Poesius MCP endpoint, `"graphql"` to the Poelis GraphQL endpoint. */
  target?: "rest" | "mcp" | "graphql";
  timeoutMs?: number;
  maxRetries?: number;
}

export interface KeygateResponse<T = unknown> {
  status: number;
  /** Lowercase names. */
  headers: Record<string, string>;
  /** Parsed JSON, text, or `null` for an empty body. */
  data: T;
  requestId: string | null;
  /** The response's rate-limit headers, `null` when it sent none. */
  rateLimit: RateLimit | null;
}

/** What a response said about its rate limit (`X-RateLimit-*`, or `Retry-After` on a 429). */
export interface RateLimit {
  /** Requests allowed per window, `null` when not sent. */
  limit: number | null;
  /** Requests left in the window (as sent), `null` when not sent. */
  remaining: number | null;
  /** When the window resets, in epoch milliseconds (whatever the provider's convention), `null` when not sent. */
  resetAt: number | null;
}

export interface ClientDescription {
  provider: ProviderId;
  baseUrl: string;
  mcpUrl?: string;
  /** The redacted credential. */
  credential: string;
  kind: CredentialKind;
  workspaceId?: string;
  timeoutMs: number;
  maxRetries: number;
  maxResponseBytes: number;
  warnings: WarningCode[];
}

export interface CallOptions {
  signal?: AbortSignal;
}

export type DocumentInput = Blob | Uint8Array | ArrayBuffer | string;

export type JsonObject = { [key: string]: unknown };

/** The JSON-RPC helpers of a provider with an MCP endpoint (`ProviderMcp`). */
export interface McpHelpers {
  /** Calls an MCP tool (JSON-RPC 2.0 `tools/call`); a JSON-RPC error or out-of-credits tool result throws. */
  mcpCall(tool: string, args?: JsonObject, options?: CallOptions & { id?: string | number }): Promise<McpResult>;
  /** The `generate_slides` tool. */
  generateSlides(args: JsonObject & { instructions: string }, options?: CallOptions): Promise<McpResult>;
}

/** The GraphQL helper of a provider with a GraphQL endpoint (`ProviderGraphql`: Poelis). */
export interface GraphqlHelpers {
  /**
   * `POST {host}/v1/graphql` with `{ query, variables, operationName? }`: resolves to the answer's
   * `data`; an answer with `errors` throws (NotFoundError, BadRequestError, AuthenticationError,
   * PermissionError, RateLimitError by the first error's `extensions.code`, else ApiError `graphql_error`).
   */
  graphql<T = JsonObject>(query: string, variables?: JsonObject | null, options?: CallOptions & { operationName?: string }): Promise<T | null>;
}

/** What every client has, whatever the provider. */
export interface ClientBase<P extends ProviderId = ProviderId> {
  readonly provider: P;
  toJSON(): ClientDescription;
  toString(): string;
  /** Any request under the base URL: resolves to `{ status, headers, data, requestId }`. */
  request<T = unknown>(spec: RequestSpec): Promise<KeygateResponse<T>>;
}

/**
 * A client of provider `P`: the shared methods plus that provider's helpers. `W` is whether it was
 * given a workspace id (`workspaceId: string`): a workspace-scoped helper (PowerPost `publishPost`)
 * exists only on `Client<P, true>`. `Client` alone is the union over providers: narrow it with
 * `client.provider === "..."`.
 */
export type Client<P extends ProviderId = ProviderId, W extends boolean = boolean> = P extends ProviderId
  ? ClientBase<P> & ProviderHelpers<W>[P] & (ProviderMcp[P] extends true ? McpHelpers : {}) & (ProviderGraphql[P] extends true ? GraphqlHelpers : {})
  : never;

/** The options `fromEnv` takes besides the env (the credential and provider come from the env). */
export type ClientOverrides = Partial<ClientCommonOptions>;

export type EnvLike = Record<string, string | undefined> | { get(name: string): string | undefined };

export interface ClientConstructor {
  /** A client of `options.provider` given a workspace id: its workspace-scoped helpers are typed. */
  new <P extends ProviderId>(options: ClientOptions<P> & { workspaceId: string }): Client<P, true>;
  /** A client of `options.provider`, with one credential of a kind that provider accepts. */
  new <P extends ProviderId>(options: ClientOptions<P>): Client<P, false>;
  /**
   * Reads `<PROVIDER>_API_KEY` and the provider's other variables from `env`. The workspace id an
   * env may hold is not known to the types: pass `{ workspaceId }` in `overrides` for the
   * workspace-scoped helpers.
   */
  fromEnv<P extends ProviderId>(provider: P, env: EnvLike, overrides: ClientOverrides & { workspaceId: string }): Client<P, true>;
  fromEnv<P extends ProviderId>(provider: P, env: EnvLike, overrides?: ClientOverrides): Client<P, false>;
  readonly prototype: Client;
}
export declare const Client: ClientConstructor;

export interface ErrorFields {
  code?: string;
  provider?: ProviderId | null;
  status?: number | null;
  providerCode?: string | null;
  requestId?: string | null;
  retryAfterMs?: number;
  rateLimit?: RateLimit | null;
}

export class KeygateError extends Error {
  constructor(message: string, fields?: ErrorFields);
  /** keygate's stable code (`wrong_prefix`, `workspace_required`, `rate_limited`, ...). */
  code: string;
  provider: ProviderId | null;
  /** HTTP status, when there was a response. */
  status: number | null;
  /** The provider's own error code. */
  providerCode: string | null;
  requestId: string | null;
  /** The error response's rate-limit headers; `null` when absent or for a local or network error. */
  rateLimit: RateLimit | null;
  toJSON(): ErrorFields & { name: string; message: string };
}
export class KeyFormatError extends KeygateError {}
export class ConfigError extends KeygateError {}
export class BadRequestError extends KeygateError {}
export class AuthenticationError extends KeygateError {}
export class PaymentRequiredError extends KeygateError {}
export class PermissionError extends KeygateError {}
export class NotFoundError extends KeygateError {}
/** Postiz "No subscription found" (a 401, so also an AuthenticationError). */
export class SubscriptionError extends AuthenticationError {}
export class RateLimitError extends KeygateError {
  retryAfterMs?: number;
}
export class ServerError extends KeygateError {
  retryAfterMs?: number;
}
export class NetworkError extends KeygateError {}
export class TimeoutError extends KeygateError {}
export class AbortError extends KeygateError {}
export class ApiError extends KeygateError {}

export interface ProviderInfo {
  id: ProviderId;
  name: string;
  baseUrl: string;
  mcpUrl?: string;
  envApiKey: string;
  envBaseUrl?: string;
  envWorkspaceId?: string;
  kinds: CredentialKind[];
  endpoints: { name: string; method: string; path: string }[];
}
export const providers: ProviderInfo[];

/** Resolves when the wasm is ready (already resolved in Node, Deno, Bun and workerd). */
export const ready: Promise<unknown>;

declare const api: {
  Client: typeof Client;
  validateKey: typeof validateKey;
  detectProvider: typeof detectProvider;
  buildHeaders: typeof buildHeaders;
  redact: typeof redact;
};
export default api;
