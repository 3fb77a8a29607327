"""Subgraph children's ids: readable however long, and never a client's to take."""

from __future__ import annotations

from pathlib import Path

from tests.api.local_apps import serve, start_run, wait_for_run

SUPERSTEPS = Path(__file__).parent / "apps" / "supersteps"
SUB_ORCHESTRATION_CREATED = 7


def test_a_child_whose_id_is_over_100_characters_can_be_read():
    with serve(SUPERSTEPS) as host:
        parent = start_run(host, "survey", {"topics": ["tides"]}, instance_id="p" * 100)
        assert wait_for_run(host, parent)["status"] == "Completed"
        (created,) = [
            e
            for e in host.history(parent["instance_id"])
            if e["EventType"] == SUB_ORCHESTRATION_CREATED
        ]
        child_id = created["InstanceId"]
        child = host.get(f"/api/runs/{child_id}")

    assert len(child_id) > 100
    assert child.status == 200, child.text
    assert (child.json()["instance_id"], child.json()["status"]) == (child_id, "Completed")


def test_a_client_cannot_start_a_run_on_a_subgraph_childs_id():
    with serve(SUPERSTEPS) as host:
        parent = start_run(host, "survey", {"topics": ["tides"]})
        wait_for_run(host, parent)
        taken = f"{parent['instance_id']}:research:1.2.0.1"  # its child's id
        reply = host.post(
            "/api/graphs/survey/runs", json={"input": {"topics": []}, "instance_id": taken}
        )

    assert reply.status == 400, reply.text
    assert reply.json()["error"]["code"] == "invalid_instance_id"
    assert "subgraph child" in reply.json()["error"]["message"]


def test_a_subgraph_child_keeps_a_step_log_as_its_parent_does():
    """The Agent Server streams a subgraph's steps from it (stream_subgraphs)."""
    with serve(SUPERSTEPS) as host:
        parent = start_run(host, "research", {"topic": "tides"})
        assert wait_for_run(host, parent)["status"] == "Completed"
        (created,) = [
            e
            for e in host.history(parent["instance_id"])
            if e["EventType"] == SUB_ORCHESTRATION_CREATED
        ]
        steps = host.get(f"/api/runs/{created['InstanceId']}/steps")

    assert steps.status == 200, steps.text
    assert [s["nodes"] for s in steps.json()["steps"]] == [["search"], ["read"]]
