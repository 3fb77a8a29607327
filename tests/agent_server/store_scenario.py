"""One script of store calls, run against `langgraph dev` and the local host alike.

Each step is named and its answer kept as (status, body) with what the two servers may
differ in by design taken out: item times, the order of search results (listing order
is the store's), the lines after the first of a schema error's `detail`. Requests whose
answers are documented to differ (docs/agent-server-api.md#store) are not in the script.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from langgraph_sdk.client import SyncLangGraphClient


def _comparable(body: Any) -> Any:
    if isinstance(body, dict):
        if isinstance(body.get("detail"), str):
            return {**body, "detail": body["detail"].split("\n")[0]}
        if isinstance(body.get("items"), list):
            items = [_comparable(i) for i in body["items"]]
            return {**body, "items": sorted(items, key=lambda i: (i["namespace"], i["key"]))}
        return {k: v for k, v in body.items() if k not in ("created_at", "updated_at")}
    return body


def _answer(response: httpx.Response) -> tuple[int, Any]:
    try:
        body: Any = response.json() if response.content else None
    except json.JSONDecodeError:
        body = response.text
    return response.status_code, _comparable(body)


def run_store_scenario(client: SyncLangGraphClient, http: httpx.Client) -> dict[str, Any]:
    """The answers of every step; `client` and `http` point at the same server."""
    out: dict[str, Any] = {}
    store = client.store

    store.put_item(["a", "b"], "k1", {"n": 1, "tag": "x", "nested": {"d": 2}})
    store.put_item(["a", "c"], "k2", {"n": 5, "tag": "y"}, ttl=5)
    store.put_item(["z"], "k3", {"n": 3}, index=False)
    out["get"] = _comparable(store.get_item(["a", "b"], "k1"))
    out["get missing"] = store.get_item(["a", "b"], "missing")
    out["get refresh"] = _comparable(store.get_item(["a", "c"], "k2", refresh_ttl=True))
    out["search prefix"] = _comparable(store.search_items(["a"]))
    out["search gt"] = _comparable(store.search_items(["a"], filter={"n": {"$gt": 2}}))
    out["search eq"] = _comparable(store.search_items(["a"], filter={"tag": "x"}))
    out["search query"] = _comparable(store.search_items(["a"], query="hello"))
    out["search all"] = _comparable(store.search_items([], limit=10))
    out["namespaces"] = store.list_namespaces()
    out["namespaces depth"] = store.list_namespaces(prefix=["a"], max_depth=1)
    out["namespaces suffix"] = store.list_namespaces(suffix=["c"])
    out["namespaces page"] = store.list_namespaces(limit=1, offset=1)
    out["namespaces wildcard"] = store.list_namespaces(prefix=["*"])
    store.delete_item(["a", "b"], "k1")
    out["after delete"] = store.get_item(["a", "b"], "k1")

    raw_requests: list[tuple[str, str, str, Any]] = [
        ("no key", "GET", "/store/items?namespace=a.b", None),
        ("no namespace", "GET", "/store/items?key=k1", None),
        ("empty label", "GET", "/store/items?namespace=a..b&key=k1", None),
        ("no value", "PUT", "/store/items", {"namespace": ["a"], "key": "k"}),
        ("dotted label", "PUT", "/store/items", {"namespace": ["a.b"], "key": "k", "value": {}}),
        ("empty namespace", "PUT", "/store/items", {"namespace": [], "key": "k", "value": {}}),
        (
            "langgraph root",
            "PUT",
            "/store/items",
            {"namespace": ["langgraph"], "key": "k", "value": {}},
        ),
        ("value not object", "PUT", "/store/items", {"namespace": ["a"], "key": "k", "value": [1]}),
        (
            "ttl not number",
            "PUT",
            "/store/items",
            {"namespace": ["a"], "key": "k", "value": {}, "ttl": "x"},
        ),
        ("label not string", "PUT", "/store/items", {"namespace": [1], "key": "k", "value": {}}),
        ("empty key", "PUT", "/store/items", {"namespace": ["a"], "key": "", "value": {}}),
        (
            "extra field",
            "PUT",
            "/store/items",
            {"namespace": ["a"], "key": "k", "value": {}, "extra": 1},
        ),
        ("delete no key", "DELETE", "/store/items", {"namespace": ["a", "b"]}),
        ("delete no namespace", "DELETE", "/store/items", {"key": "x"}),
        ("prefix not array", "POST", "/store/items/search", {"namespace_prefix": "a"}),
        (
            "bad operator",
            "POST",
            "/store/items/search",
            {"namespace_prefix": ["a"], "filter": {"n": {"$bogus": 2}}},
        ),
        ("limit zero", "POST", "/store/items/search", {"namespace_prefix": ["a"], "limit": 0}),
        ("dotted prefix", "POST", "/store/namespaces", {"prefix": ["a.b"]}),
    ]
    for name, method, path, body in raw_requests:
        out[name] = _answer(http.request(method, path, json=body))
    out["not json"] = _answer(
        http.put("/store/items", content=b"{not json", headers={"Content-Type": "application/json"})
    )
    return out
