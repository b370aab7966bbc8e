// keygate/cloudflare: a Durable Object that holds the pacer's buckets for a worker fleet.
import type { PaceStore } from "./index.js";

/** Bind it in wrangler.toml (`class_name = "KeygatePacer"`) and re-export it from your worker. */
export declare class KeygatePacer {
  constructor(state: unknown, env: unknown);
  fetch(request: Request): Promise<Response>;
}

/** The minimal shape of a Durable Object namespace binding. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: any): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/** The store `pacer({ store })` from `keygate/pace` takes: one `KeygatePacer` object per scope. */
export declare function durablePacer(namespace: DurableObjectNamespaceLike, options?: { maxWaitMs?: number }): PaceStore;
