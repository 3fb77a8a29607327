"""Assistants through LangGraph's client: one per graph, LangGraph's ids, graph and schemas."""

from __future__ import annotations

import uuid

import pytest
from langgraph_sdk.client import SyncLangGraphClient
from langgraph_sdk.errors import NotFoundError

# `langgraph dev` gives a graph's default assistant this id (uuid5 of the graph id).
CHATBOT_ID = str(uuid.uuid5(uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8"), "chatbot"))


def test_search_lists_one_assistant_per_graph_with_langgraphs_ids(
    client: SyncLangGraphClient,
) -> None:
    found = client.assistants.search(limit=100)

    assert sorted(a["graph_id"] for a in found) == [
        "chatbot",
        "echoer",
        "failer",
        "nested",
        "reviewer",
        "slow",
        "streamer",
    ]
    chatbot = next(a for a in found if a["graph_id"] == "chatbot")
    assert chatbot["assistant_id"] == CHATBOT_ID
    assert chatbot["name"] == "chatbot"
    assert client.assistants.search(graph_id="reviewer")[0]["graph_id"] == "reviewer"


def test_an_assistant_is_found_by_its_uuid_or_its_graph_name(client: SyncLangGraphClient) -> None:
    assert client.assistants.get(CHATBOT_ID)["graph_id"] == "chatbot"
    assert client.assistants.get("chatbot")["assistant_id"] == CHATBOT_ID
    with pytest.raises(NotFoundError):
        client.assistants.get(str(uuid.uuid4()))


def test_the_graph_is_langgraphs_drawable_json(client: SyncLangGraphClient) -> None:
    drawn = client.assistants.get_graph("reviewer")

    assert [n["id"] for n in drawn["nodes"]] == [
        "__start__",
        "write",
        "review",
        "publish",
        "__end__",
    ]
    edges = {(e["source"], e["target"]) for e in drawn["edges"]}
    assert edges == {
        ("__start__", "write"),
        ("write", "review"),
        ("review", "publish"),
        ("publish", "__end__"),
    }


def test_schemas_describe_input_output_and_state(client: SyncLangGraphClient) -> None:
    schemas = client.assistants.get_schemas("chatbot")

    assert schemas["graph_id"] == "chatbot"
    assert "messages" in schemas["input_schema"]["properties"]
    assert "messages" in schemas["output_schema"]["properties"]
    assert "messages" in schemas["state_schema"]["properties"]
