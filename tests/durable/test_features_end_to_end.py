"""Every graph feature, end to end: real HTTP into the local host, real Durable SDK replay.

The app is tests/api/apps/features/function_app.py: several graphs on one
DurableGraphApp, each showing one feature.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import (
    FEATURES_APP,
    run_status,
    send_event,
    serve,
    start_run,
    wait_for_run,
    wait_until_waiting,
    write_function_app,
)

pytestmark = pytest.mark.slow

TASK_SCHEDULED = 4  # DTFx EventType code


@pytest.fixture
def host() -> Iterator[LocalHost]:
    with serve(FEATURES_APP) as running:
        yield running


def test_static_edges_run_in_order_and_the_run_shows_its_path(host: LocalHost):
    links = start_run(host, "my_graph", {"message": "hi"})

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"] == {"message": "Done: hi", "processed": True}
    assert run["path"] == ["process", "finalize"]
    assert (run["current_node"], run["step"], run["waiting_for"]) == ("finalize", 2, None)


@pytest.mark.parametrize(
    ("form", "waits_for", "path", "note"),
    [
        ("RouteDecision.next", None, ["pick", "chosen"], "chosen"),
        ("RouteDecision.complete", None, ["pick"], ""),
        ("RouteDecision.wait_for_event", "nudge", ["pick", "chosen"], "chosen"),
        ("plain string", None, ["pick", "chosen"], "chosen"),
        ("__complete__", None, ["pick"], ""),
        ("dict", None, ["pick", "chosen"], "chosen"),
        ("dict without kind", "nudge", ["pick", "chosen"], "chosen"),
        ("None", None, ["pick", "fallback"], "fallback"),
    ],
)
def test_every_route_return_form(host: LocalHost, form, waits_for, path, note):
    links = start_run(host, "routes", {"form": form})
    if waits_for is not None:
        waiting = wait_until_waiting(host, links, waits_for)
        assert waiting["waiting_for"] == {"event_name": "nudge", "resume_node": "chosen"}
        assert waiting["path"] is None  # the path is only known once the run completed
        assert send_event(host, links, "nudge", 1) == 202

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["path"] == path
    assert run["output"] == {"form": form, "note": note}


def test_sync_async_factory_made_and_lambda_handlers(host: LocalHost):
    links = start_run(host, "kinds", {})

    run = wait_for_run(host, links)

    # add(1) and add(2) come from one factory; double is async; the lambda returns a model.
    assert run["output"] == {"count": 6, "notes": ["count=6"]}
    assert run["path"] == ["add_one", "add_two", "double", "summarise"]


def test_events_are_merged_by_their_handlers_even_when_sent_before_the_run_waits(
    host: LocalHost,
):
    links = start_run(host, "approvals", {"amount": 500})
    wait_until_waiting(host, links, "manager_approval")

    # The run waits for manager_approval; finance_comment comes first and is kept.
    assert send_event(host, links, "finance_comment", "looks fine") == 202
    assert send_event(host, links, "manager_approval", {"approved": True}) == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"] == {
        "amount": 500,
        "approved": True,
        "comment": "looks fine",
        "outcome": "paid",
    }
    assert run["path"] == ["classify", "review", "apply_decision"]
    assert run["step"] == 3  # applying an event is not a step


def test_history_has_one_task_per_node_step_and_one_per_applied_event(host: LocalHost):
    links = start_run(host, "approvals", {"amount": 500})
    wait_until_waiting(host, links, "manager_approval")
    assert send_event(host, links, "manager_approval", {"approved": False}) == 202
    wait_until_waiting(host, links, "finance_comment")
    assert send_event(host, links, "finance_comment", "no budget") == 202
    assert wait_for_run(host, links)["status"] == "Completed"

    tasks = [e for e in host.history(links["instance_id"]) if e["EventType"] == TASK_SCHEDULED]

    def what(task: dict) -> str:
        request = json.loads(task["Input"])
        return request["task"]["node"] if "task" in request else request["event_name"]

    assert [(t["Name"], what(t)) for t in tasks] == [
        ("durable_graph_step", "classify"),
        ("durable_graph_event", "manager_approval"),
        ("durable_graph_step", "review"),
        ("durable_graph_event", "finance_comment"),
        ("durable_graph_step", "apply_decision"),
    ]


def test_a_node_that_routes_to_itself_appears_in_the_path_each_time(host: LocalHost):
    links = start_run(host, "countdown", {})

    run = wait_for_run(host, links)

    assert run["output"] == {"count": 3}
    assert run["path"] == ["tick", "tick", "tick"]


def test_the_step_limit_stops_a_runaway_loop(host: LocalHost):
    links = start_run(host, "runaway", {})

    run = wait_for_run(host, links)

    assert run["status"] == "Failed"
    assert run["error"] == (
        "Graph 'runaway' exceeded its step limit of 3 steps before node 'tick'; "
        "raise max_steps in ManifestBuilder(...) if the loop is intended"
    )
    assert (run["step"], run["output"], run["path"]) == (3, None, None)


def test_a_route_outside_its_declared_targets_fails_the_run(host: LocalHost):
    links = start_run(host, "strict", {})

    run = wait_for_run(host, links)

    assert run["status"] == "Failed"
    assert run["error"] == (
        "Graph 'strict', node 'check': route chose 'rejected', which is not in its "
        "route_targets ['approved']; add it to route_targets=[...] in add_node() if the "
        "route may go there"
    )


def test_several_graphs_on_one_app_each_with_its_manifest_and_diagram(host: LocalHost):
    graphs = [
        "approvals",
        "countdown",
        "kinds",
        "my_graph",
        "routes",
        "runaway",
        "strict",
        "timed_approvals",
    ]
    health = host.get("/api/health").json()
    assert [g["graph_name"] for g in health["graphs"]] == graphs
    assert [m["graph_name"] for m in host.get("/api/graphs").json()["graphs"]] == graphs
    paths = host.get("/api/openapi.json").json()["paths"]
    assert {f"/graphs/{name}/runs" for name in graphs} <= set(paths)

    approvals = host.get("/api/graphs/approvals").json()

    assert approvals["nodes"]["classify"]["route_targets"] == ["review", "apply_decision"]
    assert approvals["diagram"]["mermaid"] == (
        "flowchart TD\n"
        '    start(("start"))\n'
        '    n0["classify"]\n'
        '    n1["review"]\n'
        '    n2(["apply_decision"])\n'
        '    complete(("complete"))\n'
        "    start --> n0\n"
        "    n0 -.-> n1\n"
        "    n0 -.-> n2\n"
        "    n1 -.-> n2\n"
        "    n2 --> complete"
    )


def test_http_errors_that_depend_on_the_run_state(host: LocalHost):
    assert host.post("/api/runs/ghost/events/nudge", json={}).status == 404
    assert host.post("/api/runs/ghost/cancel").status == 404

    completed = start_run(host, "my_graph", {"message": "hi"})
    assert wait_for_run(host, completed)["status"] == "Completed"
    cancel = host.post(completed["cancel_url"])
    assert (cancel.status, cancel.json()["error"]["code"]) == (409, "run_finished")

    failed = start_run(host, "runaway", {})
    assert wait_for_run(host, failed)["status"] == "Failed"
    event = host.post(failed["events_url"].format(event_name="anything"), json={})
    assert (event.status, event.json()["error"]["code"]) == (409, "run_finished")

    waiting = start_run(host, "routes", {"form": "dict without kind"})
    wait_until_waiting(host, waiting, "nudge")
    unknown = host.post(waiting["events_url"].format(event_name="manager_approval"), json={})
    assert (unknown.status, unknown.json()["error"]["details"]) == (
        400,
        {"event_handlers": ["nudge"]},
    )


ORDERS_APP = """
    from pydantic import BaseModel

    from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision


    class Order(BaseModel):
        sku: str
        confirmed: bool = False


    def build(version: str):
        b = ManifestBuilder(graph_name="orders", state_model=Order, version=version)
        b.set_entrypoint("receive")
        b.add_node(
            "receive",
            lambda s: None,
            route=lambda s: RouteDecision.wait_for_event("confirm", "ship"),
        )
        b.add_node("ship", lambda s: None, terminal=True)
        b.add_event_handler("confirm", lambda s, payload: {"confirmed": True})
        return b.build()


    runtime = DurableGraphApp()
    app = runtime.function_app
    for version in VERSIONS:
        runtime.register_registration(build(version))
"""


def orders_app(folder: Path, *versions: str) -> Path:
    """The orders app registering each of `versions` (the last one starts new runs)."""
    return write_function_app(folder, ORDERS_APP.replace("VERSIONS", repr(list(versions))))


@pytest.fixture
def waiting_v1_run(tmp_path: Path) -> tuple[Path, dict]:
    """A run of orders v1 waiting for "confirm" in a SQLite file store; the host is stopped."""
    store = tmp_path / "store.sqlite3"
    with serve(orders_app(tmp_path / "app", "1"), store=store) as host:
        links = start_run(host, "orders", {"sku": "A1"})
        wait_until_waiting(host, links, "confirm")
    return store, links


def test_a_run_whose_graph_version_is_no_longer_deployed_fails_saying_so(
    tmp_path: Path, waiting_v1_run: tuple[Path, dict]
):
    store, links = waiting_v1_run
    instance_id = links["instance_id"]
    with serve(orders_app(tmp_path / "app", "2"), store=store) as host:
        here = {"status_url": f"/api/runs/{instance_id}"}  # the new host has a new port
        old_hash = run_status(host, here)["graph_hash"]
        new_hash = host.get("/api/health").json()["graphs"][0]["graph_hash"]
        message = (
            f"Graph 'orders' version with hash {old_hash!r} is not registered in this app "
            f"(registered hashes for this graph: {new_hash}); keep the old registration "
            "deployed until its runs finish"
        )

        refused = host.post(f"/api/runs/{instance_id}/events/confirm", json={})
        assert refused.status == 409
        assert refused.json()["error"] == {
            "code": "graph_version_not_registered",
            "message": message,
            "details": None,
        }

        # Raised past the graph API (e.g. by the Durable client), the run replays and fails.
        raised = host.post(
            f"/runtime/webhooks/durabletask/instances/{instance_id}/raiseEvent/confirm", json={}
        )
        assert raised.status == 202
        run = wait_for_run(host, here)
        assert (run["status"], run["error"]) == ("Failed", message)


def test_a_waiting_run_whose_graph_version_was_removed_says_why_it_is_blocked(
    tmp_path: Path, waiting_v1_run: tuple[Path, dict]
):
    store, links = waiting_v1_run
    here = {"status_url": f"/api/runs/{links['instance_id']}"}
    with serve(orders_app(tmp_path / "app", "2"), store=store) as host:
        blocked = run_status(host, here)
    with serve(orders_app(tmp_path / "app", "1", "2"), store=store) as host:
        unblocked = run_status(host, here)

    assert blocked["status"] == "Running"
    assert blocked["blocked"]["code"] == "graph_version_not_registered"
    assert (
        "takes no event or resume until that version is registered again"
        in (blocked["blocked"]["message"])
    )
    assert unblocked["blocked"] is None


def test_keeping_the_old_registration_lets_runs_in_flight_finish(
    tmp_path: Path, waiting_v1_run: tuple[Path, dict]
):
    store, links = waiting_v1_run
    instance_id = links["instance_id"]
    with serve(orders_app(tmp_path / "app", "1", "2"), store=store) as host:
        assert host.post(f"/api/runs/{instance_id}/events/confirm", json={}).status == 202

        run = wait_for_run(host, {"status_url": f"/api/runs/{instance_id}"})

        assert run["status"] == "Completed", run["error"]
        assert (run["graph_version"], run["output"]) == ("1", {"sku": "A1", "confirmed": True})
        assert start_run(host, "orders", {"sku": "B2"})["graph_version"] == "2"


def test_responses_match_the_openapi_document(host: LocalHost):
    components = host.get("/api/openapi.json").json()["components"]

    def check(body: dict, schema: str) -> None:
        ref = {"$ref": f"#/components/schemas/{schema}", "components": components}
        jsonschema.Draft202012Validator(ref).validate(body)

    links = start_run(host, "approvals", {"amount": 500})
    check(links, "RunAccepted")
    check(wait_until_waiting(host, links, "manager_approval"), "Run")
    check(host.post(links["cancel_url"]).json(), "Accepted")
    check(wait_for_run(host, links), "Run")
    check(wait_for_run(host, start_run(host, "countdown", {})), "Run")
    check(host.get("/api/graphs/approvals").json(), "GraphDetail")
    check(host.get("/api/runs/ghost").json(), "Error")
