"""from_langgraph runs started before issue 20 (channels, managed values, run config and
context) finish on this runtime.

tests/compat/recorded_langgraph_v020 was written by tests/compat/record_langgraph_v020.py
running main at 4252731 against app_langgraph_v020 (which must not change): a finished
history, the graph's hash, and a store with a run paused on interrupt().
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.durable.protocol import ORCHESTRATOR_NAME
from azure_functions_durable_graph.testing import LocalHost, VirtualClock, replay_history

HERE = Path(__file__).parent
APP = HERE / "app_langgraph_v020"
RECORDED = HERE / "recorded_langgraph_v020"


def load_app() -> Any:
    spec = importlib.util.spec_from_file_location("compat_app_langgraph", APP / "function_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_langgraph_graphs_keep_their_hashes():
    runtime = load_app().runtime
    hashes = {r.graph_name: r.graph_hash for r in runtime.registry.latest_registrations()}

    assert hashes == json.loads((RECORDED / "hashes.json").read_text())


def test_a_finished_langgraph_history_replays_to_the_same_output():
    recorded = json.loads((RECORDED / "review-done.json").read_text())
    app = load_app().app
    handle = {f.get_function_name(): f.get_user_function() for f in app.get_functions()}[
        ORCHESTRATOR_NAME
    ]

    outcome = replay_history(handle, recorded["history"], instance_id="review-done")

    assert outcome.error is None
    assert outcome.state.is_done
    output = json.loads(outcome.state.output_json or "null")
    assert output["state"] == recorded["output"]["output"]
    assert output["path"] == recorded["output"]["path"]


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    copy = tmp_path / "store.sqlite3"
    shutil.copy(RECORDED / "store.sqlite3", copy)
    return copy


def test_a_langgraph_run_paused_before_the_change_resumes_and_finishes(old_store: Path):
    with LocalHost(APP, store=old_store, clock=VirtualClock()) as host:
        waiting = host.get("/api/runs/review-waiting").json()
        assert waiting["status"] == "Running"
        [question] = waiting["interrupts"]
        assert question["value"] == {"question": "approve?", "draft": "draft for the essay"}

        answer = host.post("/api/runs/review-waiting/resume", json={"resume": True})
        assert answer.status == 202
        host.wait_for_status("review-waiting", "Completed")

        run = host.get("/api/runs/review-waiting").json()
        assert run["path"] == ["draft", "review", "publish"]
        assert run["output"]["notes"] == ["drafted", "reviewed: True", "published"]
        assert [m["content"] for m in run["output"]["messages"]] == [
            "the essay",
            "draft for the essay",
            "published",
        ]
