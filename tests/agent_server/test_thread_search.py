"""Thread search and count (agent_server/thread_search.py): filters and sorts answered
from the thread records, and the ones that need the runs (status, values)."""

from __future__ import annotations

import uuid

from langgraph_sdk.client import SyncLangGraphClient


def test_search_pages_sorts_and_filters_on_ids_and_metadata(client: SyncLangGraphClient) -> None:
    tag = uuid.uuid4().hex
    made = [client.threads.create(metadata={"tag": tag, "n": n})["thread_id"] for n in range(5)]
    client.threads.update(made[1], metadata={"touched": True})

    newest_first = client.threads.search(metadata={"tag": tag}, limit=3)
    assert [t["thread_id"] for t in newest_first] == made[::-1][:3]
    second_page = client.threads.search(metadata={"tag": tag}, limit=3, offset=3)
    assert [t["thread_id"] for t in second_page] == made[::-1][3:]
    by_id = client.threads.search(metadata={"tag": tag}, sort_by="thread_id", sort_order="asc")
    assert [t["thread_id"] for t in by_id] == sorted(made)
    updated = client.threads.search(metadata={"tag": tag}, sort_by="updated_at", limit=1)
    assert updated[0]["thread_id"] == made[1]
    picked = client.threads.search(ids=[made[0], made[3]], limit=10)
    assert sorted(t["thread_id"] for t in picked) == sorted([made[0], made[3]])
    assert all(t["status"] == "idle" and t["values"] is None for t in picked)
    assert client.threads.count(metadata={"tag": tag, "touched": True}) == 1


def test_search_and_count_filter_on_values_and_status(client: SyncLangGraphClient) -> None:
    tag = uuid.uuid4().hex
    owls = client.threads.create(metadata={"tag": tag})["thread_id"]
    bats = client.threads.create(metadata={"tag": tag})["thread_id"]
    client.runs.wait(owls, "slow", input={"seconds": 0})
    client.runs.wait(bats, "reviewer", input={"topic": "bats"})

    found = client.threads.search(metadata={"tag": tag}, values={"seconds": 0})
    assert [t["thread_id"] for t in found] == [owls]
    assert found[0]["values"] == {"seconds": 0, "slept": 0}
    assert client.threads.count(metadata={"tag": tag}, status="interrupted") == 1
    by_status = client.threads.search(metadata={"tag": tag}, sort_by="status", sort_order="asc")
    assert [t["status"] for t in by_status] == ["idle", "interrupted"]
