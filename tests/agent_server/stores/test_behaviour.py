"""One behaviour suite for every store backend: SQLite (local host) and Azure Tables (Azurite).

Where LangGraph has a reference (its InMemoryStore), the same operations run on
it and the answers are compared; the rest checks what LangGraph's docs promise.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore

from azure_functions_durable_graph.agent_server.stores.azure_tables import AzureTableStore
from azure_functions_durable_graph.agent_server.stores.sqlite import open_sqlite_store
from tests.agent_server.azurite import azurite_tables
from tests.helpers import eventually

ITEMS: list[tuple[tuple[str, ...], str, dict[str, Any]]] = [
    (("docs",), "root", {"n": 0, "tag": "x"}),
    (("docs", "ada"), "a1", {"n": 1, "tag": "x", "nested": {"d": 2}, "tags": ["a", "b"]}),
    (("docs", "ada"), "a2", {"n": 5, "tag": "y", "nested": {"d": 3}}),
    (("docs", "bob", "drafts"), "b1", {"n": 7.5, "tag": "x", "title": "plan"}),
    (("docsx",), "other", {"n": 2, "tag": "x"}),
    (("users", "ada", "prefs"), "p1", {"theme": "dark", "n": 3}),
]


@pytest.fixture(scope="module")
def azurite() -> Iterator[str]:
    with azurite_tables() as connection:
        yield connection


@pytest.fixture(params=["sqlite", "azure-tables"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BaseStore:
    if request.param == "sqlite":
        return open_sqlite_store(tmp_path / "store.sqlite3")
    connection: str = request.getfixturevalue("azurite")
    return AzureTableStore(connection, table=f"t{uuid.uuid4().hex}")


def filled(store: BaseStore) -> BaseStore:
    for namespace, key, value in ITEMS:
        store.put(namespace, key, value)
    return store


def keys(items: list[Any]) -> list[str]:
    return sorted(item.key for item in items)


def test_an_item_put_is_read_back_and_an_update_keeps_its_creation_time(store: BaseStore) -> None:
    store.put(("docs", "ada"), "a1", {"text": "first"})
    first = store.get(("docs", "ada"), "a1")
    store.put(("docs", "ada"), "a1", {"text": "second"})
    second = store.get(("docs", "ada"), "a1")

    assert first is not None and second is not None
    assert (second.namespace, second.key) == (("docs", "ada"), "a1")
    assert second.value == {"text": "second"}
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at


def test_a_missing_or_deleted_item_reads_as_none_and_deleting_twice_is_fine(
    store: BaseStore,
) -> None:
    store.put(("docs",), "k", {"v": 1})
    store.delete(("docs",), "k")
    store.delete(("docs",), "k")

    assert store.get(("docs",), "k") is None
    assert store.get(("nowhere",), "k") is None


def test_search_reads_the_namespace_prefix_as_langgraph_does(store: BaseStore) -> None:
    reference = filled(InMemoryStore())
    filled(store)

    for prefix in [(), ("docs",), ("docs", "ada"), ("docs", "bob", "drafts"), ("doc",), ("zzz",)]:
        assert keys(store.search(prefix, limit=100)) == keys(reference.search(prefix, limit=100)), (
            prefix
        )


@pytest.mark.parametrize(
    "conditions",
    [
        {"tag": "x"},
        {"tag": "x", "n": 1},
        {"n": {"$gt": 2}},
        {"n": {"$gte": 5}},
        {"n": {"$lt": 5}},
        {"n": {"$lte": 1}},
        {"n": {"$ne": 1}},
        {"n": {"$gt": 1, "$lt": 7}},
        {"tags": ["a", "b"]},
        {"title": "plan"},
        {"missing": 1},
    ],
)
def test_search_filters_values_as_langgraphs_store_does(
    store: BaseStore, conditions: dict[str, Any]
) -> None:
    reference = filled(InMemoryStore())
    filled(store)

    found = store.search((), filter=conditions, limit=100)

    assert keys(found) == keys(reference.search((), filter=conditions, limit=100))


def test_a_dotted_filter_key_looks_into_nested_values(store: BaseStore) -> None:
    filled(store)

    assert keys(store.search((), filter={"nested.d": 3}, limit=100)) == ["a2"]


def test_an_unknown_filter_operator_is_a_value_error(store: BaseStore) -> None:
    filled(store)

    with pytest.raises(ValueError, match=r"Unsupported operator: \$bogus"):
        store.search((), filter={"n": {"$bogus": 1}})


def test_pages_of_a_search_cover_every_item_once(store: BaseStore) -> None:
    filled(store)

    pages = [store.search(("docs",), limit=2, offset=offset) for offset in (0, 2, 4)]

    assert [len(page) for page in pages] == [2, 2, 0]
    assert sorted(k for page in pages for k in keys(page)) == ["a1", "a2", "b1", "root"]


def test_a_query_without_an_index_lists_items_without_scores(store: BaseStore) -> None:
    filled(store)

    found = store.search(("docs", "ada"), query="anything")

    assert keys(found) == ["a1", "a2"]
    assert [item.score for item in found] == [None, None]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"prefix": ("docs",)},
        {"prefix": ("docs", "*")},
        {"suffix": ("prefs",)},
        {"suffix": ("*", "drafts")},
        {"prefix": ("docs",), "max_depth": 2},
        {"max_depth": 1},
        {"limit": 2, "offset": 1},
        {"prefix": ("nothing",)},
    ],
)
def test_namespaces_are_listed_as_langgraphs_store_lists_them(
    store: BaseStore, options: dict[str, Any]
) -> None:
    reference = filled(InMemoryStore())
    filled(store)

    assert store.list_namespaces(**options) == reference.list_namespaces(**options)


@pytest.mark.parametrize(
    "label",
    ["a/b", "a#b", "a?b", "a%2Fb", "back\\slash", "tab\there", "ünïcødé", "emoji 🙂", "-", "~"],
)
def test_labels_and_keys_with_characters_tables_forbid_round_trip(
    store: BaseStore, label: str
) -> None:
    store.put(("ns", label), label, {"label": label})
    store.put(("ns", label + "x"), "other", {"label": "neighbour"})

    item = store.get(("ns", label), label)
    assert item is not None and item.value == {"label": label}
    assert keys(store.search(("ns", label))) == [label]
    assert ("ns", label) in store.list_namespaces(prefix=("ns",))


def test_a_large_value_round_trips(store: BaseStore) -> None:
    value = {"text": "ü" * 150_000, "list": list(range(5_000))}

    store.put(("big",), "k", value)

    item = store.get(("big",), "k")
    assert item is not None and item.value == value


def test_an_item_past_its_ttl_is_gone_and_others_stay(store: BaseStore) -> None:
    store.put(("ttl",), "short", {"v": 1}, ttl=0.01)  # 0.6 s
    store.put(("ttl",), "long", {"v": 2}, ttl=60)
    store.put(("ttl",), "forever", {"v": 3})

    # Reading with refresh_ttl (LangGraph's default) would start the TTL again.
    gone = lambda: store.get(("ttl",), "short", refresh_ttl=False) is None  # noqa: E731
    eventually(gone, timeout=10, interval=0.2)
    assert keys(store.search(("ttl",))) == ["forever", "long"]
    assert store.list_namespaces(prefix=("ttl",)) == [("ttl",)]


def test_the_async_methods_reach_the_same_items(store: BaseStore) -> None:
    async def scenario() -> None:
        await store.aput(("async",), "k", {"v": 1})

        assert (await store.aget(("async",), "k")) == store.get(("async",), "k")
        assert keys(await store.asearch(("async",))) == ["k"]
        assert await store.alist_namespaces(prefix=("async",)) == [("async",)]
        await store.adelete(("async",), "k")
        assert store.get(("async",), "k") is None

    asyncio.run(scenario())


def test_the_table_store_refuses_what_an_azure_entity_cannot_hold(azurite: str) -> None:
    store = AzureTableStore(azurite, table=f"t{uuid.uuid4().hex}")

    with pytest.raises(ValueError, match="1 MiB"):
        store.put(("big",), "k", {"text": "x" * 500_000})
    with pytest.raises(ValueError, match="1 KiB"):
        store.put(("ns",), "k" * 600, {"v": 1})
    assert store.search(()) == []
