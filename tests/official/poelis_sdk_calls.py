"""The official poelis-sdk against the keygate emulator (driven by poelis-sdk.test.mjs).

Usage: python poelis_sdk_calls.py calls|bad-key|revoked-key|rate-limited|rate-limit-exhausted|not-found
Env: POELIS_BASE_URL (the host root, as the SDK takes it), POELIS_API_KEY.
Prints one JSON object: {"ok": [...calls that returned...]} or {"error": <class>, ...}.
"""
import json
import os
import sys

from poelis_sdk import PoelisClient
from poelis_sdk import exceptions as E


def client():
    # from_env reads POELIS_BASE_URL and POELIS_API_KEY, as a user's script would.
    c = PoelisClient.from_env()
    c.enable_change_detection = False
    return c


def calls():
    c = client()
    done = []

    def step(name, value):
        done.append({"call": name, "value": value})

    step("workspaces.list", [w["id"] for w in c.workspaces.list()])
    step("workspaces.get", c.workspaces.get(workspace_id="ws_1")["name"])
    page = c.products.list_by_workspace(workspace_id="ws_1")
    step("products.list_by_workspace", [p.id for p in page.data])
    step("products.iter_all", [p.id for p in c.products.iter_all(page_size=1)])
    step("products.list_product_versions", [v.version_number for v in c.products.list_product_versions(product_id="prod_1").data])
    step("products.set_product_baseline_version", c.products.set_product_baseline_version(product_id="prod_1", version_number=1).baseline_version_number)
    step("items.list_by_product", [i["id"] for i in c.items.list_by_product(product_id="prod_1")])
    step("items.list_by_product(root_only)", [i["id"] for i in c.items.list_by_product(product_id="prod_1", root_only=True)])
    step("items.get", c.items.get("item_2")["name"])
    step("items.iter_all_by_product", [i["id"] for i in c.items.iter_all_by_product(product_id="prod_1", page_size=1)])
    step("versions.list_items", [i["id"] for i in c.versions.list_items(product_id="prod_1", version_number=1)])
    step("search.products", [p["id"] for p in c.search.products(q="dro", workspace_id="ws_1")["hits"]])
    step("search.items", [i["id"] for i in c.search.items(q="bat", product_id="prod_1")["hits"]])
    step("search.properties", c.search.properties(q="mass")["total"])
    step("properties.update_numeric_property", c.properties.update_numeric_property(id="prop_1", value="2.5")["parsedValue"])
    step("properties.update_text_property", c.properties.update_text_property(id="prop_2", value="NiMH")["value"])
    print(json.dumps({"ok": done}))


def expect_error(fn):
    try:
        fn()
    except E.PoelisError as err:  # the SDK's own hierarchy
        print(json.dumps({
            "error": type(err).__name__,
            "status": getattr(err, "status_code", None),
            "message": getattr(err, "message", str(err)),
            "retry_after": getattr(err, "retry_after_seconds", None),
        }))
        return
    print(json.dumps({"error": None}))


def main(mode):
    if mode == "calls":
        return calls()
    if mode in ("bad-key", "revoked-key"):
        return expect_error(lambda: client().workspaces.list())
    if mode == "rate-limited":  # 429 then success: the SDK waits Retry-After and tries again
        started = __import__("time").monotonic()
        ids = [w["id"] for w in client().workspaces.list()]
        print(json.dumps({"ok": ids, "waited": round(__import__("time").monotonic() - started, 2)}))
        return None
    if mode == "rate-limit-exhausted":
        return expect_error(lambda: client().workspaces.list())
    if mode == "not-found":  # a GraphQL error with extensions.code not_found
        return expect_error(lambda: client().properties.update_numeric_property(id="prop_missing", value="1"))
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1])
