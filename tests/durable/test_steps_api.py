"""GET /api/runs/{id}/steps, the running state, and forks, from the step log entities."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import run_status, send_event, serve, start_run, wait_for_run
from tests.durable.reliability import gate, host, until
from tests.helpers import eventually

__all__ = ["host"]

SUPERSTEPS = Path(__file__).parent / "apps" / "supersteps"


def steps(host: LocalHost, links: dict[str, Any], query: str = "") -> dict[str, Any]:
    response = host.get(f"{links['status_url']}/steps{query}")
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def all_recorded(host: LocalHost, links: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The steps, once `count` are recorded (records arrive by entity signal, a moment later)."""
    return eventually(lambda: len(s := steps(host, links)["steps"]) == count and s)


def test_a_parallel_superstep_lists_each_task_with_its_update_and_the_state_after():
    with serve(SUPERSTEPS) as host:
        links = start_run(host, "map_reduce", {"docs": ["a", "b"]})
        wait_for_run(host, links)
        recorded = all_recorded(host, links, 3)

    assert [s["nodes"] for s in recorded] == [["split"], ["summarize", "summarize"], ["combine"]]
    fanned = recorded[1]
    assert [t["arg"] for t in fanned["tasks"]] == [{"text": "a"}, {"text": "b"}]
    assert [t["update"] for t in fanned["tasks"]] == [{"summaries": ["A"]}, {"summaries": ["B"]}]
    assert fanned["state"] == {"docs": ["a", "b"], "summaries": ["A", "B"], "report": ""}
    assert fanned["next"] == [{"node": "combine"}]
    assert recorded[2]["state"]["report"] == "A | B"
    assert fanned["started_at"] <= fanned["ended_at"]


def test_retries_events_and_the_running_state_show_in_the_steps(host: LocalHost, tmp_path: Path):
    path, open_gate = gate(tmp_path)
    open_gate()
    links = start_run(host, "ledger", {"gate": path, "fail_first": 1})
    until(host, links, lambda run: run["retry"])
    host.advance(timedelta(seconds=11))
    waiting = until(host, links, lambda run: run["waiting_for"] and run["state"]["log"])

    assert waiting["state"]["log"] == ["work after 2 attempt(s)"]
    assert send_event(host, links, "deposit", {"amount": 3}) == 202
    wait_for_run(host, links)
    first, second = all_recorded(host, links, 2)

    assert first["tasks"][0]["attempts"] == 2
    assert first["event"]["name"] == "deposit"
    assert first["event"]["payload"] == {"amount": 3}
    assert first["state"]["log"] == ["work after 2 attempt(s)", "+3"]
    assert second["nodes"] == ["record"]
    assert second["next"] == []


def test_steps_span_continue_as_new_and_page(host: LocalHost):
    links = start_run(host, "loop", {"limit": 20})
    until(host, links, lambda run: run["waiting_for"])
    assert send_event(host, links, "ping", "end") == 202
    wait_for_run(host, links)
    recorded = all_recorded(host, links, 21)

    assert [s["superstep"] for s in recorded] == list(range(1, 22))
    assert {s["execution"] for s in recorded} == {1, 2, 3}
    assert [s["state"]["count"] for s in recorded[:20]] == list(range(1, 21))
    first_page = steps(host, links, "?page_size=8")
    assert [s["superstep"] for s in first_page["steps"]] == list(range(1, 9))
    assert first_page["next_from_step"] == 9
    last_page = steps(host, links, "?from_step=17&page_size=8")
    assert [s["superstep"] for s in last_page["steps"]] == list(range(17, 22))
    assert last_page["next_from_step"] is None
    bad = host.get(f"{links['status_url']}/steps?page_size=0")
    assert (bad.status, bad.json()["error"]["code"]) == (400, "invalid_query")


def test_a_fork_starts_a_new_run_after_a_step_with_a_patched_state():
    with serve(SUPERSTEPS) as host:
        links = start_run(host, "fan", {})
        wait_for_run(host, links)
        all_recorded(host, links, 3)

        again = {"from_run": links["instance_id"], "from_step": 1, "state_patch": {"left": "x"}}
        rerun = wait_for_run(host, host.post("/api/graphs/fan/runs", json=again).json())
        patched = {"from_run": links["instance_id"], "from_step": 2, "state_patch": {"left": "x"}}
        forked = host.post("/api/graphs/fan/runs", json=patched)
        assert forked.status == 202, forked.text
        run = wait_for_run(host, forked.json())

    # From step 1, left and right run again (and overwrite the patch).
    assert rerun["output"]["joined"] == "LR"
    assert rerun["output"]["seen"] == ["start", "left", "right", "join"]
    # From step 2, only join is left to run, on the patched state.
    assert run["status"] == "Completed", run["error"]
    assert run["path"] == ["start", "left", "right", "join"]
    assert run["output"]["joined"] == "xR"
    assert run["step"] == 3


def test_fork_errors_are_4xx():
    with serve(SUPERSTEPS) as host:
        links = start_run(host, "fan", {})
        wait_for_run(host, links)
        all_recorded(host, links, 3)

        def fork(body: dict[str, Any]) -> tuple[int, str]:
            response = host.post("/api/graphs/fan/runs", json=body)
            return response.status, response.json()["error"]["code"]

        run_id = links["instance_id"]
        assert fork({"from_run": run_id, "from_step": 9}) == (404, "step_not_found")
        assert fork({"from_run": run_id, "from_step": 3}) == (409, "nothing_after_step")
        assert fork({"from_run": run_id}) == (400, "invalid_body")
        assert fork({"from_run": run_id, "from_step": 1, "input": {}}) == (400, "invalid_body")
        assert fork({"from_run": "nope", "from_step": 1}) == (404, "instance_not_found")
        mapped = start_run(host, "map_reduce", {"docs": []})
        wait_for_run(host, mapped)
        other = {"from_run": mapped["instance_id"], "from_step": 1}
        assert fork(other) == (409, "graph_mismatch")
        assert run_status(host, links)["status"] == "Completed"
