"""`query` searches by meaning when the app's store has an index (any BaseStore with one)."""

from __future__ import annotations

from pathlib import Path

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.store_hosts import client_of

APP = Path(__file__).parent / "apps" / "indexed_store_app"


def test_a_query_ranks_items_by_similarity_with_scores() -> None:
    with LocalHost(APP, store=":memory:") as host, client_of(host) as client:
        client.store.put_item(["pets"], "c", {"text": "a cat and another cat"})
        client.store.put_item(["pets"], "d", {"text": "the dog barks at a dog"})
        client.store.put_item(["pets"], "f", {"text": "fish swim"})

        found = client.store.search_items(["pets"], query="dog", limit=3)["items"]
        listed = client.store.search_items(["pets"], limit=3)["items"]

    assert found[0]["key"] == "d"
    scores = [item["score"] for item in found]
    assert all(isinstance(score, float) for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert {item["score"] for item in listed} == {None}  # no query: a listing
