"""Thread TTL (agent_server/thread_ttl.py): a thread created or updated with ``ttl`` is
deleted, with its runs, when it expires; through the real local host and LangGraph's
client. TTLs are LangGraph's minutes: 0.03 minutes is under two seconds."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient
from langgraph_sdk.errors import NotFoundError, UnprocessableEntityError

from azure_functions_durable_graph.testing import LocalHost, VirtualClock
from tests.agent_server.conftest import AGENT_APP
from tests.helpers import eventually


def gone(client: SyncLangGraphClient, thread_id: str) -> bool:
    try:
        client.threads.get(thread_id)
    except NotFoundError:
        return True
    return False


def test_a_thread_is_deleted_with_its_runs_when_its_ttl_expires(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create(ttl={"strategy": "delete", "ttl": 0.05})["thread_id"]
    client.runs.wait(thread_id, "slow", input={"seconds": 0})
    kept = client.threads.create()["thread_id"]

    eventually(lambda: gone(client, thread_id), timeout=20)

    with pytest.raises(NotFoundError):
        client.runs.list(thread_id)
    assert thread_id not in [t["thread_id"] for t in client.threads.search(limit=1000)]
    assert client.threads.get(kept)["thread_id"] == kept


def test_a_running_run_is_stopped_when_its_thread_expires(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create(ttl=0.03)["thread_id"]  # a bare number: minutes
    client.runs.create(thread_id, "slow", input={"seconds": 4})

    eventually(lambda: gone(client, thread_id), timeout=20)


def test_an_update_that_shortens_the_ttl_is_honoured(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create(ttl=60)["thread_id"]

    client.threads.update(thread_id, metadata={"n": 1}, ttl=0.03)

    eventually(lambda: gone(client, thread_id), timeout=20)


def test_an_update_that_lengthens_the_ttl_keeps_the_thread(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create(ttl=0.04)["thread_id"]  # 2.4 s

    client.threads.update(thread_id, metadata={}, ttl=60)
    time.sleep(4)  # past the first expiry

    assert client.threads.get(thread_id)["thread_id"] == thread_id


def test_a_bad_ttl_is_a_422(client: SyncLangGraphClient) -> None:
    with pytest.raises(UnprocessableEntityError, match="ttl"):
        client.threads.create(ttl={"strategy": "forever", "ttl": 1})
    with pytest.raises(UnprocessableEntityError, match="ttl"):
        client.threads.create(ttl={"strategy": "delete", "ttl": "soon"})


def test_a_ttl_of_days_deletes_the_thread_only_when_they_have_passed() -> None:
    clock = VirtualClock()
    with LocalHost(AGENT_APP, store=":memory:", clock=clock) as host:
        url = f"{host.base_url}/api/langgraph"
        with get_sync_client(url=url, api_key=None) as client:
            thread_id = client.threads.create(ttl=10 * 24 * 60)["thread_id"]  # ten days
            host.wait_until_idle()
            host.advance(timedelta(days=7))  # past the first timer (6 days), not the ttl
            host.wait_until_idle()
            assert client.threads.get(thread_id)["thread_id"] == thread_id
            host.advance(timedelta(days=3, minutes=1))
            host.wait_until_idle()
            eventually(lambda: gone(client, thread_id), timeout=10)
