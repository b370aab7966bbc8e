// The loopback GET that bench/run.mjs and bench/latency.mjs time for keygate and its peers, each
// with its retries (2) and timeout (10 s) on, as a user would run it. `check(ok, message)` throws
// on a wrong answer.
import ky from "ky";
import { ofetch } from "ofetch";

import { KEYS } from "./corpus.mjs";

export function peerSides(api, serverUrl, check) {
  const client = new api.Client({ provider: "poelis", apiKey: KEYS.poelis, baseUrl: `${serverUrl}/v1/public`, maxRetries: 2, timeoutMs: 10_000 });
  const url = `${serverUrl}/v1/public/workspaces`;
  const headers = { Authorization: `Bearer ${KEYS.poelis}` };
  return {
    url,
    headers,
    keygate: async () => {
      const r = await client.request({ path: "/workspaces" });
      check(r.status === 200 && r.data?.count === 1, `client.request answered ${r.status}`);
    },
    ky: async () => {
      const data = await ky.get(url, { headers, retry: { limit: 2 }, timeout: 10_000 }).json();
      check(data?.count === 1, "ky answered wrongly");
    },
    ofetch: async () => {
      const data = await ofetch(url, { headers, retry: 2, timeout: 10_000 });
      check(data?.count === 1, "ofetch answered wrongly");
    },
  };
}
