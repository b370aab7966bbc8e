// Type-checked (tsc --noEmit) usage of every public export; fails to compile if the types drift.
import {
  Client, validateKey, detectProvider, buildHeaders, redact, providers, ready,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
  type Validation, type KeygateResponse, type ProviderId,
} from "keygate";
import { startEmulator } from "keygate/emulator";

export async function usage(env: Record<string, string | undefined>): Promise<void> {
  await ready;
  const v: Validation = validateKey("poelis", "poelis_api_x", "api_key");
  const ok: boolean = v.ok;
  const p: ProviderId | null = detectProvider("pk_x");
  const r: string = redact("pk_x");
  const h: Record<string, string> = buildHeaders({ provider: "powerpost", apiKey: "pp_live_sk_x", scheme: "bearer", workspaceId: "ws" });
  const c = new Client({ provider: "powerpost", apiKey: "pp_live_sk_x", workspaceId: "ws", keyType: "read_draft", timeoutMs: 1000, maxRetries: 1 });
  const res: KeygateResponse<{ balance: number }> = await c.request<{ balance: number }>({ method: "GET", path: "/account/credits", query: { a: 1, b: [true, "x"] } });
  const balance: number = res.data.balance + (await c.getCredits()).balance;
  const fromEnv = Client.fromEnv("postiz", env);
  const ints: unknown[] = await fromEnv.listIntegrations();
  const connected: boolean = (await fromEnv.isConnected()).connected;
  const jwtClient = new Client({ provider: "poesius", jwt: "a.b.c" });
  const created = await jwtClient.createApiKey({ name: "n" });
  const key: string = created.key;
  await jwtClient.generateSlides({ instructions: "x" });
  try {
    await c.publishPost("p1");
  } catch (e) {
    if (e instanceof RateLimitError) console.log(e.retryAfterMs, e.status, e.requestId);
    if (e instanceof KeygateError) console.log(e.code, e.provider, e.providerCode);
    const all = [KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError, PermissionError,
      NotFoundError, SubscriptionError, ServerError, NetworkError, TimeoutError, AbortError, ApiError];
    console.log(all.length);
  }
  const emu = await startEmulator();
  await emu.close();
  console.log(ok, p, r, h, balance, ints, connected, key, providers[0].envApiKey);
}
