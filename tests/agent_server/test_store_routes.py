"""The store routes driven by LangGraph's own Python client (`langgraph_sdk`), on each backend.

The shapes checked here are those `langgraph dev` answers for the same calls.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.store_hosts import BACKENDS, client_of, store_host

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


@pytest.fixture(scope="module", params=BACKENDS)
def host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalHost]:
    with store_host(request.param, tmp_path_factory.mktemp(request.param)) as local_host:
        yield local_host


@pytest.fixture
def client(host: LocalHost) -> Iterator[SyncLangGraphClient]:
    with client_of(host) as langgraph_client:
        yield langgraph_client


@pytest.fixture
def root() -> str:
    """A namespace root no other test uses (the host is shared by the module)."""
    return f"t{uuid.uuid4().hex[:10]}"


def test_an_item_is_put_read_and_deleted(client: SyncLangGraphClient, root: str) -> None:
    client.store.put_item([root, "ada"], "k1", {"text": "hello", "n": 1})

    item = client.store.get_item([root, "ada"], "k1")

    assert {k: item[k] for k in ("namespace", "key", "value")} == {
        "namespace": [root, "ada"],
        "key": "k1",
        "value": {"text": "hello", "n": 1},
    }
    assert ISO_WITH_OFFSET.match(item["created_at"]) and ISO_WITH_OFFSET.match(item["updated_at"])
    client.store.delete_item([root, "ada"], "k1")
    assert client.store.get_item([root, "ada"], "k1") is None  # LangGraph answers 200 null


def test_search_filters_and_pages_under_a_prefix(client: SyncLangGraphClient, root: str) -> None:
    for n in range(5):
        client.store.put_item([root, "docs"], f"d{n}", {"n": n, "even": n % 2 == 0})
    client.store.put_item([root + "x"], "elsewhere", {"n": 1, "even": False})

    everything = client.store.search_items([root], limit=10)["items"]
    evens = client.store.search_items([root], filter={"even": True})["items"]
    big = client.store.search_items([root], filter={"n": {"$gte": 3}})["items"]
    pages = [client.store.search_items([root], limit=2, offset=o)["items"] for o in (0, 2, 4)]

    assert sorted(i["key"] for i in everything) == ["d0", "d1", "d2", "d3", "d4"]
    assert {i["score"] for i in everything} == {None}
    assert sorted(i["key"] for i in evens) == ["d0", "d2", "d4"]
    assert sorted(i["key"] for i in big) == ["d3", "d4"]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(i["key"] for page in pages for i in page) == ["d0", "d1", "d2", "d3", "d4"]


def test_a_query_without_an_index_lists_as_langgraph_does(
    client: SyncLangGraphClient, root: str
) -> None:
    client.store.put_item([root], "k", {"text": "about cats"})

    found = client.store.search_items([root], query="dogs")["items"]

    assert [(i["key"], i["score"]) for i in found] == [("k", None)]


def test_namespaces_are_listed_with_prefix_suffix_and_depth(
    client: SyncLangGraphClient, root: str
) -> None:
    for namespace in ([root, "ada", "notes"], [root, "ada", "prefs"], [root, "bob", "notes"]):
        client.store.put_item(namespace, "k", {"v": 1})

    def listed(**options: object) -> list[list[str]]:
        return client.store.list_namespaces(**options)["namespaces"]  # type: ignore[arg-type]

    assert listed(prefix=[root]) == [
        [root, "ada", "notes"],
        [root, "ada", "prefs"],
        [root, "bob", "notes"],
    ]
    assert listed(prefix=[root], suffix=["notes"]) == [
        [root, "ada", "notes"],
        [root, "bob", "notes"],
    ]
    assert listed(prefix=[root], max_depth=2) == [[root, "ada"], [root, "bob"]]
    assert listed(prefix=[root], limit=1, offset=1) == [[root, "ada", "prefs"]]


def test_an_item_put_with_a_ttl_is_kept_until_it_expires(
    client: SyncLangGraphClient, root: str
) -> None:
    client.store.put_item([root], "k", {"v": 1}, ttl=30)

    assert client.store.get_item([root], "k", refresh_ttl=True)["value"] == {"v": 1}


def test_the_local_hosts_store_file_holds_the_items_only_on_the_sqlite_backend(
    request: pytest.FixtureRequest, host: LocalHost, client: SyncLangGraphClient
) -> None:
    client.store.put_item(["beside"], "k", {"v": 1})

    beside = Path(host.store_path).with_name("hub.langgraph-store.sqlite3")
    assert beside.exists() == (request.node.callspec.params["host"] == "sqlite")
