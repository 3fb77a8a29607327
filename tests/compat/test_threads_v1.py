"""Threads written by the release before the run lock (recorded_threads_v1, see
record_threads_v1.py) load, continue and resume with this runtime: the old thread
entities have no lock, and a run paused in that release resumes through today's engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost
from tests.compat.record_threads_v1 import APP, CHAT, OUT, REVIEW


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    copy = tmp_path / "store.sqlite3"
    shutil.copy(OUT / "store.sqlite3", copy)
    return copy


def test_the_recorded_entities_are_the_old_format_without_a_lock() -> None:
    states = json.loads((OUT / "entities.json").read_text())
    assert set(states) == {CHAT, REVIEW}
    assert all(set(state) == {"ops", "record", "version"} for state in states.values())


def test_old_threads_continue_resume_and_take_new_runs(old_store: Path) -> None:
    with LocalHost(APP, store=old_store) as host:
        url = f"{host.base_url}/api/langgraph"
        with get_sync_client(url=url, api_key=None) as client:
            chat = client.threads.get(CHAT)
            assert chat["status"] == "idle" and chat["metadata"]["user"] == "ada"
            said = {"messages": [{"role": "user", "content": "again"}]}
            values = client.runs.wait(CHAT, "chatbot", input=said, multitask_strategy="reject")
            assert [m["content"] for m in values["messages"]] == [
                "hi",
                "you said 'hi' (turn 1)",
                "again",
                "you said 'again' (turn 2)",
            ]
            steps = [h["metadata"]["step"] for h in client.threads.get_history(CHAT, limit=50)]
            assert steps == [4, 3, 2, 1, 0, -1]

            assert client.threads.get(REVIEW)["status"] == "interrupted"
            done = client.runs.wait(REVIEW, "reviewer", command={"resume": "yes"})
            assert done == {"topic": "owls", "verdict": "reviewer said yes"}
            again = client.runs.wait(REVIEW, "reviewer", input={"topic": "bats"})
            assert again["__interrupt__"][0]["value"] == {"question": "approve?", "topic": "bats"}
            assert [r["status"] for r in client.runs.list(REVIEW)] == ["success"] * 3
