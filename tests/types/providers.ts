// Per-provider types (issue 15): each `// @ts-expect-error` line must be a type error (tsc fails
// with "Unused '@ts-expect-error' directive" when it is not), and the positive lines must compile
// with the result types the provider description names.
import { Client, buildHeaders, type Credits, type Integration, type Post, type PresentationList, type WorkspaceList } from "keygate";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assertType = <T extends true>(_: T): void => {};

export async function perProvider(env: Record<string, string | undefined>, maybeWs: string | undefined): Promise<void> {
  // The constructor's type names the provider.
  const postiz = new Client({ provider: "postiz", apiKey: "k" });
  assertType<Equal<typeof postiz, Client<"postiz", false>>>(true);
  assertType<Equal<typeof postiz.provider, "postiz">>(true);
  const ints: Integration[] = await postiz.listIntegrations();
  const connected: boolean = (await postiz.isConnected()).connected;
  const created = await postiz.createPost({ type: "draft", posts: [{ integration: { id: "i" }, value: [{ content: "hi" }] }] }, { idempotencyKey: "k1" });
  const postId: string = created[0].postId;
  // @ts-expect-error the server answers [{ postId, integration }] only (posts.service.ts)
  created[0].group;
  const uploaded: string = (await postiz.upload(new Uint8Array([1]), { filename: "a.png" })).path;
  // A wrong helper for the provider: Poelis's, PowerPost's, Poesius's REST and MCP helpers.
  // @ts-expect-error listWorkspaces is a Poelis helper
  await postiz.listWorkspaces();
  // @ts-expect-error getCredits is a PowerPost helper
  await postiz.getCredits();
  // @ts-expect-error mcpCall needs an MCP endpoint (Poesius)
  await postiz.mcpCall("list_templates");
  // @ts-expect-error graphql needs a GraphQL endpoint (Poelis)
  await postiz.graphql("{ workspaces { id } }");
  // @ts-expect-error generateFromDoc is a Poesius helper
  await postiz.generateFromDoc("x");

  const fromEnv = Client.fromEnv("poelis", env);
  assertType<Equal<typeof fromEnv.provider, "poelis">>(true);
  const gql = await fromEnv.graphql<{ workspaces: Array<{ id: string }> }>("query($l: Int) { workspaces(limit: $l) { id } }", { l: 1 }, { operationName: "W" });
  const firstWs: string | undefined = gql?.workspaces[0]?.id;
  // @ts-expect-error variables are an object
  await fromEnv.graphql("{ workspaces { id } }", [1]);
  const ws: WorkspaceList = await fromEnv.listWorkspaces();
  const wsName: string = ws.items[0].name;
  // @ts-expect-error listIntegrations is a Postiz helper
  await fromEnv.listIntegrations();

  // Credential kinds: only those the provider accepts, exactly one.
  // @ts-expect-error Poelis takes an API key only
  new Client({ provider: "poelis", jwt: "a.b.c" });
  // @ts-expect-error Poelis takes an API key only
  new Client({ provider: "poelis", oauthToken: "t" });
  // @ts-expect-error PowerPost takes an API key only
  new Client({ provider: "powerpost", oauthToken: "t" });
  // @ts-expect-error Postiz takes an API key or an OAuth token, not a JWT
  new Client({ provider: "postiz", jwt: "a.b.c" });
  // @ts-expect-error one credential, not two
  new Client({ provider: "poesius", apiKey: "pk_x", jwt: "a.b.c" });
  // @ts-expect-error an unknown provider id
  new Client({ provider: "nope", apiKey: "k" });
  // @ts-expect-error a typo in a common option is still caught
  new Client({ provider: "poelis", apiKey: "k", timeoutMS: 5 });
  // buildHeaders takes the same per-provider credential kinds.
  // @ts-expect-error Poelis takes an API key only
  buildHeaders({ provider: "poelis", jwt: "a.b.c" });
  const jwtHeaders: Record<string, string> = buildHeaders({ provider: "poesius", jwt: "a.b.c" });
  const headersObj: Headers = buildHeaders({ provider: "postiz", oauthToken: "pos_x" }, { as: "headers" });
  const poesiusJwt = new Client({ provider: "poesius", jwt: "a.b.c" });
  const poesiusOauth = new Client({ provider: "poesius", oauthToken: "t" });
  const postizOauth = new Client({ provider: "postiz", oauthToken: "pos_x" });
  const list: PresentationList = await poesiusJwt.listPresentations({ limit: 5 });
  const slides: number = list.items[0].slide_count;
  const key: string = (await poesiusJwt.createApiKey({ name: "ci" })).key;
  // @ts-expect-error createApiKey needs its options (name)
  await poesiusJwt.createApiKey();
  await poesiusOauth.mcpCall("list_templates", {});
  await poesiusOauth.generateSlides({ instructions: "x" });
  await postizOauth.isConnected();

  // Workspace scoping: PowerPost's workspace-scoped helpers (publishPost sends X-Workspace-Id)
  // exist only on a client given `workspaceId: string`; getCredits (an account endpoint) always.
  const scoped = new Client({ provider: "powerpost", apiKey: "pp_live_sk_x", workspaceId: "ws_1" });
  assertType<Equal<typeof scoped, Client<"powerpost", true>>>(true);
  const post: Post = await scoped.publishPost("p1", { idempotencyKey: "k" });
  const published: string | null = post.published_at;
  const unscoped = new Client({ provider: "powerpost", apiKey: "pp_live_sk_x" });
  const credits: Credits = await unscoped.getCredits();
  // @ts-expect-error no workspace id: publishPost is not there
  await unscoped.publishPost("p1");
  // @ts-expect-error a workspace id that may be undefined does not make the client scoped
  await new Client({ provider: "powerpost", apiKey: "pp_live_sk_x", workspaceId: maybeWs }).publishPost("p1");
  // @ts-expect-error the workspace id is a string
  new Client({ provider: "powerpost", apiKey: "pp_live_sk_x", workspaceId: 42 });
  // @ts-expect-error publishPost's id is a string
  await scoped.publishPost(7);
  // fromEnv: the env's POWERPOST_WORKSPACE_ID is not known to the types; an override is.
  // @ts-expect-error fromEnv without a workspaceId override is not scoped
  await Client.fromEnv("powerpost", env).publishPost("p1");
  await Client.fromEnv("powerpost", env, { workspaceId: "ws_1" }).publishPost("p1");

  // `Client` alone is the union over providers: narrowing on `provider` gives the helpers.
  const any: Client = Math.random() > 0.5 ? postiz : fromEnv;
  // @ts-expect-error not known to be Postiz
  await any.listIntegrations();
  if (any.provider === "postiz") await any.listIntegrations();
  const raw = await any.request<{ ok: boolean }>({ path: "/x" });
  const unknownValue: unknown = null;
  if (unknownValue instanceof Client) console.log(unknownValue.toJSON().provider);

  console.log(jwtHeaders, headersObj, ints, connected, postId, firstWs, uploaded, wsName, slides, key, published, credits, raw.data.ok);
}
