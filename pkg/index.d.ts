// keygate: hand-written types for every export of the package (all runtime entries share them).

export type ProviderId = "poesius" | "poelis" | "powerpost" | "postiz";
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

export type HeaderOptions = Credential & {
  provider: ProviderId;
  /** PowerPost: `"default"` (`x-api-key`) or `"bearer"` (`Authorization: Bearer`). */
  scheme?: "default" | "bearer";
  /** PowerPost: sent as `X-Workspace-Id`. */
  workspaceId?: string;
};

/** Header name -> value, exactly as the provider documents. `JSON.stringify`, `toString` and
 * `util.inspect` show redacted values. Throws `KeyFormatError` on a bad credential. */
export function buildHeaders(options: HeaderOptions, format?: { as?: "object" }): Record<string, string>;
/** A `Headers` whose display (console.dir, console.table, console.log, JSON) never shows a value. */
export function buildHeaders(options: HeaderOptions, format: { as: "headers" }): Headers;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type ClientOptions = Credential & {
  provider: ProviderId;
  scheme?: "default" | "bearer";
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
};

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
  /** `"mcp"` sends to the Poesius MCP endpoint. */
  target?: "rest" | "mcp";
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

export interface ApiKeyCreated {
  id: string;
  name: string;
  key: string;
  description: string | null;
  is_active: boolean;
  created_at: string;
}

export type JsonObject = { [key: string]: unknown };

export class Client {
  constructor(options: ClientOptions);
  /** Reads `<PROVIDER>_API_KEY` and the provider's other variables from `env`. */
  static fromEnv(provider: ProviderId, env: Record<string, string | undefined> | { get(name: string): string | undefined }, overrides?: Partial<Omit<ClientOptions, "apiKey" | "jwt" | "oauthToken" | "provider">>): Client;
  readonly provider: ProviderId;
  toJSON(): ClientDescription;
  toString(): string;
  request<T = unknown>(spec: RequestSpec): Promise<KeygateResponse<T>>;

  // Poesius
  generateFromDoc(document: DocumentInput, options?: CallOptions & { templateId?: string; numSlides?: number; filename?: string }): Promise<JsonObject>;
  listPresentations(options?: CallOptions & { limit?: number }): Promise<JsonObject>;
  createApiKey(options: CallOptions & { name: string; description?: string }): Promise<ApiKeyCreated>;
  mcpCall(tool: string, args?: JsonObject, options?: CallOptions & { id?: string | number }): Promise<JsonObject>;
  generateSlides(args: JsonObject & { instructions: string }, options?: CallOptions): Promise<JsonObject>;
  // Poelis
  listWorkspaces(options?: CallOptions): Promise<{ items: JsonObject[]; count: number }>;
  // PowerPost
  getCredits(options?: CallOptions): Promise<{ balance: number }>;
  publishPost(id: string, options?: CallOptions & { idempotencyKey?: string }): Promise<JsonObject>;
  // Postiz
  listIntegrations(options?: CallOptions): Promise<JsonObject[]>;
  isConnected(options?: CallOptions): Promise<{ connected: boolean }>;
  createPost(post: JsonObject, options?: CallOptions & { idempotencyKey?: string }): Promise<JsonObject>;
  upload(file: DocumentInput, options?: CallOptions & { filename?: string }): Promise<JsonObject>;
}

export interface ErrorFields {
  code?: string;
  provider?: ProviderId | null;
  status?: number | null;
  providerCode?: string | null;
  requestId?: string | null;
  retryAfterMs?: number;
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
