"""GET /api/runs/{id}/steps, the running state, and forks, from the step log entities."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import run_status, send_event, serve, start_run, wait_for_run
from tests.durable.reliability import gate, host, until
from tests.helpers import eventually, unique_id

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
    retry = until(host, links, lambda run: run["retry"])["retry"]
    assert (retry["node"], retry["attempt"]) == ("work", 2)
    assert set(retry["last_error"]) == {"type", "message", "node"}  # as docs/graphs.md shows
    assert retry["last_error"]["type"] == "ConnectionError"
    host.advance(timedelta(seconds=11))
    waiting = until(host, links, lambda run: run["waiting_for"] and run["state"]["log"])

    assert waiting["state"]["log"] == ["work after 2 attempt(s)"]
    assert send_event(host, links, "deposit", {"amount": 3}) == 202
    wait_for_run(host, links)
    first, second = all_recorded(host, links, 2)

    # The fields docs/graphs.md lists ("Steps, state and forks").
    documented = {"kind", "superstep", "execution", "nodes", "tasks", "started_at", "ended_at"}
    documented |= {"set", "unset", "wait", "event", "next", "deferred", "state"}
    assert set(first) <= documented
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
    assert first_page["step_log"] is True
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
        # 2.0 is the integer 2 to JSON Schema (the OpenAPI document), so to the server too.
        patched = {"from_run": links["instance_id"], "from_step": 2.0, "state_patch": {"left": "x"}}
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
        assert fork({"from_run": run_id, "from_step": 1.5}) == (400, "invalid_body")
        assert fork({"from_run": run_id, "from_step": 1, "input": {}}) == (400, "invalid_body")
        assert fork({"from_run": "nope", "from_step": 1}) == (404, "instance_not_found")
        mapped = start_run(host, "map_reduce", {"docs": []})
        wait_for_run(host, mapped)
        other = {"from_run": mapped["instance_id"], "from_step": 1}
        assert fork(other) == (409, "graph_mismatch")
        assert run_status(host, links)["status"] == "Completed"


def test_a_run_reusing_a_purged_runs_id_lists_and_forks_only_its_own_steps():
    instance_id = unique_id("reused")
    with serve(SUPERSTEPS) as host:
        first = start_run(host, "map_reduce", {"docs": ["a", "b"]}, instance_id=instance_id)
        wait_for_run(host, first)
        all_recorded(host, first, 3)
        purged = host.delete(f"/runtime/webhooks/durabletask/instances/{instance_id}")
        assert purged.status == 200, purged.text

        second = start_run(host, "map_reduce", {"docs": ["c"]}, instance_id=instance_id)
        wait_for_run(host, second)
        recorded = all_recorded(host, second, 3)
        fork = {"from_run": instance_id, "from_step": 1}
        forked = wait_for_run(host, host.post("/api/graphs/map_reduce/runs", json=fork).json())

    assert [s["nodes"] for s in recorded] == [["split"], ["summarize"], ["combine"]]
    assert recorded[-1]["state"]["report"] == "C"
    assert forked["output"]["report"] == "C"  # forked from this run's step 1, not the purged one's


def test_a_run_recorded_before_step_log_ids_still_lists_its_steps():
    """Runs started by an earlier release carry no log id: their entities keep the old key."""
    with serve(SUPERSTEPS) as host:
        graph = host.get("/api/graphs/map_reduce").json()
        older_input = {
            "graph_name": "map_reduce",
            "graph_hash": graph["graph_hash"],
            "state": {"docs": ["a"], "summaries": [], "report": ""},
            "engine": 2,
            "steps_per_execution": None,
            "record_steps": True,
        }
        instance_id = host.start_new("durable_graph_orchestrator", older_input)
        links = {"instance_id": instance_id, "status_url": f"/api/runs/{instance_id}"}
        wait_for_run(host, links)

        recorded = all_recorded(host, links, 3)

    assert [s["nodes"] for s in recorded] == [["split"], ["summarize"], ["combine"]]


def test_a_runs_step_log_is_purged_by_its_entity_ids_as_on_azure():
    with serve(SUPERSTEPS) as host:
        links = start_run(host, "map_reduce", {"docs": ["a"]})
        wait_for_run(host, links)
        all_recorded(host, links, 3)
        instance_id = links["instance_id"]
        durable = "/runtime/webhooks/durabletask"
        run_input = host.get(f"{durable}/instances/{instance_id}?showInput=true").json()["input"]
        key = quote(f"{instance_id}|{run_input['log_id']}|1", safe="")
        entity = f"{durable}/entities/durable_graph_steps/{key}"
        assert host.get(entity).status == 200

        purged = host.delete(f"{durable}/instances/{quote('@durable_graph_steps@', safe='')}{key}")

        assert purged.status == 200, purged.text
        assert host.get(entity).status == 404
        assert steps(host, links)["steps"] == []


def test_replacing_a_finished_run_purges_its_step_log():
    instance_id = unique_id("replaced")
    durable = "/runtime/webhooks/durabletask"
    with serve(SUPERSTEPS) as host:
        first = start_run(host, "map_reduce", {"docs": ["a"]}, instance_id=instance_id)
        wait_for_run(host, first)
        all_recorded(host, first, 3)
        old_input = host.get(f"{durable}/instances/{instance_id}?showInput=true").json()["input"]
        old_log = f"{durable}/entities/durable_graph_steps/" + quote(
            f"{instance_id}|{old_input['log_id']}|1", safe=""
        )
        assert host.get(old_log).status == 200

        second = start_run(host, "map_reduce", {"docs": ["b"]}, instance_id=instance_id)
        wait_for_run(host, second)
        recorded = all_recorded(host, second, 3)

        assert host.get(old_log).status == 404
    assert recorded[-1]["state"]["report"] == "B"
