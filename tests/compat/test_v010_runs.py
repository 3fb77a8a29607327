"""Runs started by the released 0.1.0 runtime finish on this one (docs/compatibility.md).

tests/compat/recorded_v010 was written by tests/compat/record_v010.py running the
0.1.0 runtime against app_v010 (which must not change): finished histories, the
graphs' hashes, and a SQLite store with runs still waiting.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.durable.protocol import ORCHESTRATOR_NAME
from azure_functions_durable_graph.testing import LocalHost, VirtualClock, replay_history

HERE = Path(__file__).parent
APP = HERE / "app_v010"
RECORDED = HERE / "recorded_v010"
#: A moment after the recording and before its 72-hour deadline passed.
RECORDED_AT = datetime(2026, 12, 5, 18, 0, tzinfo=timezone.utc)


def load_app() -> Any:
    spec = importlib.util.spec_from_file_location("compat_app_v010", APP / "function_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unchanged_graphs_keep_their_0_1_0_hashes():
    runtime = load_app().runtime
    hashes = {r.graph_name: r.graph_hash for r in runtime.registry.latest_registrations()}

    assert hashes == json.loads((RECORDED / "hashes.json").read_text())


@pytest.mark.parametrize("name", ["counter-done", "approval-done", "deadline-timeout"])
def test_a_finished_0_1_0_history_replays_to_the_same_output(name: str):
    recorded = json.loads((RECORDED / f"{name}.json").read_text())
    app = load_app().app
    handle = {f.get_function_name(): f.get_user_function() for f in app.get_functions()}[
        ORCHESTRATOR_NAME
    ]

    outcome = replay_history(handle, recorded["history"], instance_id=name)

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


def test_runs_waiting_in_a_0_1_0_store_take_their_event_and_finish(old_store: Path):
    with LocalHost(APP, store=old_store, clock=VirtualClock(RECORDED_AT)) as host:
        waiting = host.get("/api/runs/approval-waiting").json()
        assert waiting["status"] == "Running"
        assert waiting["waiting_for"]["event_name"] == "manager_approval"

        answer = host.post(
            "/api/runs/approval-waiting/events/manager_approval", json={"approved": True}
        )
        assert answer.status == 202
        done = host.wait_for_status("approval-waiting", "Completed")

        run = host.get("/api/runs/approval-waiting").json()
        assert done["runtimeStatus"] == "Completed"
        assert run["path"] == ["classify", "apply_decision"]
        assert run["output"]["outcome"] == "paid"
        assert run["output"]["notes"] == ["classified", "approval"]


def test_a_0_1_0_run_waiting_with_a_deadline_escalates_when_it_passes(old_store: Path):
    with LocalHost(APP, store=old_store, clock=VirtualClock(RECORDED_AT)) as host:
        host.wait_until_idle()
        assert host.get("/api/runs/deadline-waiting").json()["status"] == "Running"

        host.advance(timedelta(hours=73))
        host.wait_for_status("deadline-waiting", "Completed")

        run = host.get("/api/runs/deadline-waiting").json()
        assert run["path"] == ["classify", "escalate"]
        assert run["output"]["outcome"] == "escalated"


def test_a_new_run_of_an_unchanged_graph_uses_engine_v2(old_store: Path):
    with LocalHost(APP, store=old_store, clock=VirtualClock(RECORDED_AT)) as host:
        body = {"input": {"amount": 50}, "instance_id": "after-upgrade"}
        assert host.post("/api/graphs/approval/runs", json=body).status == 202
        host.wait_for_status("after-upgrade", "Completed")

        names = {e.get("Name") for e in host.history("after-upgrade")}
        assert "durable_graph_step" in names
        assert "durable_graph_run_node" not in names
