"""A run's `context` and `config` reach its nodes, through LangGraph's client."""

from __future__ import annotations

import httpx
import pytest
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost


def test_a_node_reads_the_runs_context(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    values = client.runs.wait(thread_id, "echoer", input={}, context={"user": "ada", "tier": "pro"})

    assert values == {"heard": "ada (pro)"}


def test_configurable_becomes_the_context_when_no_context_is_given(
    client: SyncLangGraphClient,
) -> None:
    values = client.runs.wait(None, "echoer", input={}, config={"configurable": {"user": "grace"}})

    assert values == {"heard": "grace (free)"}


def test_context_keys_the_schema_does_not_name_are_dropped(client: SyncLangGraphClient) -> None:
    values = client.runs.wait(None, "echoer", input={}, context={"user": "ada", "shoe": 42})

    assert values == {"heard": "ada (free)"}


def test_a_context_missing_a_required_field_is_a_422(client: SyncLangGraphClient) -> None:
    with pytest.raises(httpx.HTTPStatusError) as raised:
        client.runs.wait(None, "echoer", input={}, context={"tier": "pro"})

    assert raised.value.response.status_code == 422
    assert "user" in raised.value.response.json()["detail"]


def test_configurable_and_context_together_are_a_400_as_in_langgraph(
    client: SyncLangGraphClient,
) -> None:
    with pytest.raises(httpx.HTTPStatusError) as raised:
        client.runs.wait(
            None,
            "echoer",
            input={},
            context={"user": "ada"},
            config={"configurable": {"user": "bob"}},
        )

    assert raised.value.response.status_code == 400
    assert raised.value.response.json()["detail"].startswith("Cannot specify both")


def test_the_run_shows_its_config_and_context_in_kwargs(
    client: SyncLangGraphClient, host: LocalHost
) -> None:
    thread_id = client.threads.create()["thread_id"]
    run = client.runs.create(
        thread_id, "echoer", input={}, context={"user": "ada"}, config={"tags": ["x"]}
    )
    client.runs.join(thread_id, run["run_id"])

    shown = httpx.get(f"{host.base_url}/api/langgraph/threads/{thread_id}/runs/{run['run_id']}")

    assert shown.json()["kwargs"]["context"] == {"user": "ada"}
    assert shown.json()["kwargs"]["config"]["tags"] == ["x"]
