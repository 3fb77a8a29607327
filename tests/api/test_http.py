"""The HTTP API through the registered functions: real HttpRequest in, JSON out."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from pydantic import BaseModel, Field

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision
from azure_functions_durable_graph.api.errors import shown
from azure_functions_durable_graph.durable.protocol import INBOX_EVENT, ORCHESTRATOR_NAME
from azure_functions_durable_graph.durable.wire import wrap_event_payload
from tests.api.fakes import BASE, FakeDurableClient, request, user_functions

#: What a run started by the 0.1.0 runtime had as input.
LEGACY_INPUT_KEYS = ("graph_name", "graph_hash", "state")


class Ticket(BaseModel):
    title: str = Field(min_length=1)
    priority: int = 1
    approved: bool | None = None


def route(state: Ticket) -> RouteDecision:
    return RouteDecision.wait_for_event(event_name="approval", resume_node="close")


def build_runtime() -> DurableGraphApp:
    b = ManifestBuilder(graph_name="tickets", state_model=Ticket, version="3")
    b.set_entrypoint("triage")
    b.add_node("triage", lambda s: None, route=route)
    b.add_node("close", lambda s: None, terminal=True)
    b.add_event_handler("approval", lambda s, p: {"approved": p["approved"]})
    runtime = DurableGraphApp()
    runtime.register_registration(b.build())
    return runtime


@pytest.fixture(scope="module")
def runtime() -> DurableGraphApp:
    return build_runtime()


@pytest.fixture(scope="module")
def fns(runtime: DurableGraphApp) -> dict[str, Any]:
    return user_functions(runtime)


@pytest.fixture
def client() -> FakeDurableClient:
    return FakeDurableClient()


def call(fns: dict[str, Any], name: str, req: Any, client: Any = None) -> tuple[int, Any, Any]:
    fn = fns[f"durable_graph_http_{name}"]
    resp = asyncio.run(fn(req, client)) if client is not None else fn(req)
    body = json.loads(resp.get_body()) if resp.get_body() else None
    assert resp.mimetype == "application/json"
    return resp.status_code, body, resp


def start(fns, client, body: Any, graph: str = "tickets") -> tuple[int, Any, Any]:
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    req = request("POST", f"graphs/{graph}/runs", body=raw, route_params={"graph_name": graph})
    return call(fns, "start_run", req, client)


def set_status(client: FakeDurableClient, instance_id: str, runtime_status: str, **fields: Any):
    client.statuses[instance_id].update(runtimeStatus=runtime_status, **fields)


def assert_error(result: tuple[int, Any, Any], status: int, code: str) -> dict:
    got_status, body, _ = result
    assert got_status == status, body
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


# -- POST /api/graphs/{graph_name}/runs ---------------------------------------------------


def test_start_returns_202_with_links_and_pins_the_hash(runtime, fns, client):
    status, body, resp = start(fns, client, {"input": {"title": "printer"}, "instance_id": "t-1"})

    assert status == 202
    reg = runtime.registry.latest("tickets")
    assert body == {
        "instance_id": "t-1",
        "graph_name": "tickets",
        "graph_version": "3",
        "graph_hash": reg.graph_hash,
        "status_url": BASE + "runs/t-1",
        "events_url": BASE + "runs/t-1/events/{event_name}",
        "cancel_url": BASE + "runs/t-1/cancel",
    }
    assert resp.headers["Location"] == BASE + "runs/t-1"
    log_id = client.started[0][2]["log_id"]  # the step log's incarnation (durable/steplog.py)
    assert len(log_id) == 32 and int(log_id, 16) >= 0
    assert client.started == [
        (
            ORCHESTRATOR_NAME,
            "t-1",
            {
                "graph_name": "tickets",
                "graph_hash": reg.graph_hash,
                "state": {"title": "printer", "priority": 1, "approved": None},
                "engine": 2,
                "step_log_batched": True,
                "steps_per_execution": reg.manifest.steps_per_execution,
                "record_steps": True,
                "log_id": log_id,
            },
        )
    ]


def test_start_without_instance_id_lets_the_host_pick(fns, client):
    status, body, _ = start(fns, client, {"input": {"title": "x"}})
    assert status == 202
    assert body["instance_id"] == "generated-0"


def test_start_unknown_graph_is_404(fns, client):
    err = assert_error(start(fns, client, {"input": {}}, graph="nope"), 404, "graph_not_found")
    assert err["message"] == "No graph named 'nope' is registered; registered graphs: 'tickets'"


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        (b"{not json", "invalid_json", None),
        (b"", "invalid_json", "request body is empty; expected a JSON object"),
        (
            b"[1, 2]",
            "invalid_body",
            'request body must be a JSON object like {"input": {...}}; got list',
        ),
        (
            b'{"inputs": {}}',
            "invalid_body",
            "unknown keys ['inputs'] in request body; allowed keys: "
            "['input', 'instance_id', 'config', 'context', 'interrupt_before', 'interrupt_after', "
            "'from_run', 'from_step', 'state_patch']",
        ),
        (b'{"input": "text"}', "invalid_body", "'input' must be a JSON object; got str"),
    ],
)
def test_start_rejects_bodies_that_are_not_a_json_object(fns, client, raw, code, message):
    err = assert_error(start(fns, client, raw), 400, code)
    if message:
        assert err["message"] == message
    assert client.started == []


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        ({"context": {"user": "ann"}}, "invalid_body", "graph 'tickets' takes no run context"),
        ({"config": []}, "invalid_body", "'config' must be a JSON object; got list"),
        ({"config": {"callbacks": []}}, "invalid_config", "unknown keys ['callbacks'] in config"),
        ({"config": {"recursion_limit": 0}}, "invalid_config", "positive integer; got 0"),
        ({"config": {"configurable": "x"}}, "invalid_config", "config.configurable must be"),
        (
            {"config": {"tags": ["a", None]}},
            "invalid_config",
            "config.tags must be an array of strings",
        ),
    ],
)
def test_start_checks_the_run_config_and_context(fns, client, extra, code, message):
    err = assert_error(start(fns, client, {"input": {"title": "x"}, **extra}), 400, code)

    assert message in err["message"]
    assert client.started == []


def test_start_pins_the_run_config_in_the_run_input(fns, client):
    config = {"recursion_limit": 7, "configurable": {"region": "eu"}}

    status, _, _ = start(fns, client, {"input": {"title": "x"}, "config": config})

    assert status == 202
    [(_, _, run_input)] = client.started
    assert run_input["config"] == config
    assert run_input["context"] is None


def test_an_integral_float_recursion_limit_is_an_integer(fns, client):
    body = {"input": {"title": "x"}, "config": {"recursion_limit": 7.0}}
    assert start(fns, client, body)[0] == 202
    assert client.started[-1][2]["config"] == {"recursion_limit": 7}


def test_start_validates_input_against_the_state_model(fns, client):
    err = assert_error(
        start(fns, client, {"input": {"title": "", "priority": "high"}}), 422, "validation_error"
    )
    assert err["message"] == "input is not a valid Ticket for graph 'tickets'"
    assert [(d["loc"], d["type"]) for d in err["details"]] == [
        (["title"], "string_too_short"),
        (["priority"], "int_type"),
    ]
    assert client.started == []


@pytest.mark.parametrize("priority", [True, "3", 3.5])
def test_start_holds_input_to_the_schema_without_lax_conversions(fns, client, priority):
    # The OpenAPI document says integer: pydantic's lax mode would take true or "3".
    body = {"input": {"title": "t", "priority": priority}}
    err = assert_error(start(fns, client, body), 422, "validation_error")
    assert [d["loc"] for d in err["details"]] == [["priority"]]
    assert client.started == []


def test_an_integral_float_is_an_integer_as_json_schema_says(fns, client):
    body = {"input": {"title": "t", "priority": 3.0}}
    status, reply, _ = start(fns, client, body)
    assert status == 202, reply
    assert client.started[-1][2]["state"]["priority"] == 3


@pytest.mark.parametrize("bad_id", ["", "a/b", "x" * 101, "line\nbreak", " padded", "q?", 5])
def test_start_rejects_invalid_instance_ids(fns, client, bad_id):
    err = assert_error(
        start(fns, client, {"input": {"title": "x"}, "instance_id": bad_id}),
        400,
        "invalid_instance_id",
    )
    assert err["message"].endswith(f"got {shown(bad_id)}")


def test_start_conflicts_with_a_running_instance(fns, client):
    start(fns, client, {"input": {"title": "x"}, "instance_id": "dup"})
    set_status(client, "dup", "Running")

    err = assert_error(
        start(fns, client, {"input": {"title": "y"}, "instance_id": "dup"}), 409, "instance_exists"
    )
    assert err["message"] == (
        "instance 'dup' is already Running; pick another instance_id or wait for it to finish"
    )
    assert len(client.started) == 1


def test_start_may_reuse_the_id_of_a_finished_run(fns, client):
    start(fns, client, {"input": {"title": "x"}, "instance_id": "again"})
    set_status(client, "again", "Completed")
    status, _, _ = start(fns, client, {"input": {"title": "y"}, "instance_id": "again"})
    assert status == 202


def test_unexpected_errors_are_a_500_json_body_and_logged(fns, client, caplog):
    client.fail_with = RuntimeError("storage is down: secret-connection-string")
    with caplog.at_level(logging.ERROR, logger="azure_functions_durable_graph"):
        status, body, _ = start(fns, client, {"input": {"title": "x"}})
    assert status == 500
    assert body == {
        "error": {
            "code": "internal_error",
            "message": "internal server error; the details are in the logs",
            "details": None,
        }
    }
    assert "storage is down" in caplog.text


# -- GET /api/runs/{instance_id} ------------------------------------------------------------


def get_run(fns, client, instance_id: str):
    req = request("GET", f"runs/{instance_id}", route_params={"instance_id": instance_id})
    return call(fns, "get_run", req, client)


def test_status_of_a_pending_run_comes_from_its_input(runtime, fns, client):
    start(fns, client, {"input": {"title": "x"}, "instance_id": "p"})

    status, body, _ = get_run(fns, client, "p")

    assert status == 200
    assert body == {
        "instance_id": "p",
        "graph_name": "tickets",
        "graph_version": "3",
        "graph_hash": runtime.registry.latest("tickets").graph_hash,
        "status": "Pending",
        "current_node": None,
        "step": None,
        "waiting_for": None,
        "output": None,
        "path": None,
        "error": None,
        "error_type": None,
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00",
        "superstep": None,
        "active": [],
        "interrupts": [],
        "pending_events": [],
        "rejected": [],
        "retry": None,
        "children": [],
        "blocked": None,
        "truncated": False,
        "counts": {"active": 0, "interrupts": 0, "children": 0, "pending_events": 0},
        "state": {"title": "x", "priority": 1, "approved": None},
    }


def test_status_of_a_waiting_run_shows_node_step_and_event(fns, client):
    start(fns, client, {"input": {"title": "x"}, "instance_id": "w"})
    waiting = {"event_name": "approval", "resume_node": "close"}
    custom = {"graph": "tickets", "version": "3", "hash": "h", "node": "triage", "step": 1}
    set_status(client, "w", "Running", customStatus={**custom, "waiting": waiting})

    _, body, _ = get_run(fns, client, "w")

    assert (body["status"], body["current_node"], body["step"]) == ("Running", "triage", 1)
    assert body["waiting_for"] == waiting
    assert (body["graph_hash"], body["graph_version"]) == ("h", "3")


def test_status_of_a_completed_run_has_the_final_state(fns, client):
    start(fns, client, {"input": {"title": "x"}, "instance_id": "c"})
    output = {
        "graph": "tickets",
        "final_node": "close",
        "steps": 2,
        "path": ["triage", "close"],
        "state": {"title": "x"},
    }
    custom = {"graph": "tickets", "version": "3", "hash": "h", "node": "close", "step": 2}
    set_status(client, "c", "Completed", output=output, customStatus={**custom, "waiting": None})

    _, body, _ = get_run(fns, client, "c")

    assert body["output"] == {"title": "x"}
    assert body["path"] == ["triage", "close"]
    assert body["error"] is None
    assert (body["current_node"], body["step"]) == ("close", 2)


def test_status_of_a_failed_run_has_the_error_message(fns, client):
    start(fns, client, {"input": {"title": "x"}, "instance_id": "f"})
    message = "Graph 'tickets', node 'triage' raised ValueError: nope"
    set_status(
        client,
        "f",
        "Failed",
        output=f"Orchestrator function '{ORCHESTRATOR_NAME}' failed: {message}",
    )

    _, body, _ = get_run(fns, client, "f")

    assert body["status"] == "Failed"
    assert body["error"] == message
    assert body["output"] is None


def test_status_of_unknown_instance_is_404(fns, client):
    err = assert_error(get_run(fns, client, "ghost"), 404, "instance_not_found")
    assert err["message"] == "no graph run with instance id 'ghost'"


def test_status_of_another_orchestration_is_404(fns, client):
    client.statuses["other"] = {"name": "user_orchestrator", "runtimeStatus": "Running"}
    assert_error(get_run(fns, client, "other"), 404, "instance_not_found")


# -- POST /api/runs/{instance_id}/events/{event_name} ---------------------------------------


def send_event(fns, client, instance_id: str, event: str, body: bytes | str = b""):
    req = request(
        "POST",
        f"runs/{instance_id}/events/{event}",
        body=body,
        route_params={"instance_id": instance_id, "event_name": event},
    )
    return call(fns, "raise_event", req, client)


def running(fns, client, instance_id: str) -> None:
    start(fns, client, {"input": {"title": "x"}, "instance_id": instance_id})
    set_status(client, instance_id, "Running")


def test_event_is_accepted_and_wrapped(fns, client):
    running(fns, client, "e1")

    status, body, _ = send_event(fns, client, "e1", "approval", '{"approved": true}')

    assert status == 202
    assert body == {
        "instance_id": "e1",
        "event_name": "approval",
        "status_url": BASE + "runs/e1",
    }
    # Engine-v2 runs read every event from one inbox, the graph's event name in the envelope.
    inbox = [("e1", INBOX_EVENT, wrap_event_payload("approval", {"approved": True}))]
    assert client.events == inbox


def test_event_for_a_run_started_by_0_1_0_keeps_its_durable_event_name(fns, client):
    running(fns, client, "old")
    started = client.statuses["old"]["input"]
    client.statuses["old"]["input"] = {k: v for k, v in started.items() if k in LEGACY_INPUT_KEYS}

    assert send_event(fns, client, "old", "approval", '{"approved": true}')[0] == 202
    assert client.events == [
        ("old", "approval", wrap_event_payload("approval", {"approved": True}))
    ]


def test_event_with_empty_body_sends_null(fns, client):
    running(fns, client, "e2")
    status, _, _ = send_event(fns, client, "e2", "approval")
    assert status == 202
    assert client.events == [("e2", INBOX_EVENT, wrap_event_payload("approval", None))]


def test_event_for_unknown_instance_is_404(fns, client):
    assert_error(send_event(fns, client, "ghost", "approval", "{}"), 404, "instance_not_found")


def test_event_for_finished_run_is_409(fns, client):
    running(fns, client, "e3")
    set_status(client, "e3", "Completed")
    err = assert_error(send_event(fns, client, "e3", "approval", "{}"), 409, "run_finished")
    assert err["message"] == "run 'e3' has already finished (Completed)"


def test_event_without_handler_is_400(fns, client):
    running(fns, client, "e4")
    err = assert_error(send_event(fns, client, "e4", "approve", "{}"), 400, "unknown_event")
    assert err["message"] == (
        "graph 'tickets' has no handler for event 'approve'; its events: ['approval']"
    )
    assert err["details"] == {"event_handlers": ["approval"]}
    assert client.events == []


def test_event_with_invalid_json_is_400(fns, client):
    running(fns, client, "e5")
    assert_error(send_event(fns, client, "e5", "approval", "{oops"), 400, "invalid_json")
    assert client.events == []


# -- POST /api/runs/{instance_id}/cancel -----------------------------------------------------


def cancel(fns, client, instance_id: str, body: bytes | str = b""):
    req = request(
        "POST", f"runs/{instance_id}/cancel", body=body, route_params={"instance_id": instance_id}
    )
    return call(fns, "cancel_run", req, client)


def test_cancel_terminates_with_the_reason(fns, client):
    running(fns, client, "k1")
    status, body, _ = cancel(fns, client, "k1", '{"reason": "duplicate ticket"}')
    assert status == 202
    assert body["reason"] == "duplicate ticket"
    assert client.terminated == [("k1", "duplicate ticket")]


def test_cancel_without_body_uses_a_default_reason(fns, client):
    running(fns, client, "k2")
    assert cancel(fns, client, "k2")[0] == 202
    assert client.terminated == [("k2", "cancelled through the HTTP API")]


def test_cancel_unknown_is_404_and_finished_is_409(fns, client):
    assert_error(cancel(fns, client, "ghost"), 404, "instance_not_found")
    running(fns, client, "k3")
    set_status(client, "k3", "Failed")
    assert_error(cancel(fns, client, "k3"), 409, "run_finished")
    assert client.terminated == []


@pytest.mark.parametrize("body", ["{bad", '{"reason": 5}', '["x"]', '{"why": "x"}'])
def test_cancel_rejects_bad_bodies(fns, client, body):
    running(fns, client, "k4")
    status, payload, _ = cancel(fns, client, "k4", body)
    assert status == 400
    assert payload["error"]["code"] in {"invalid_json", "invalid_body"}
    assert client.terminated == []


# -- registry routes -----------------------------------------------------------------------


def test_health_lists_graphs_with_version_and_hash(runtime, fns):
    status, body, _ = call(fns, "health", request("GET", "health"))
    assert status == 200
    assert body == {
        "status": "ok",
        "graphs": [
            {
                "graph_name": "tickets",
                "version": "3",
                "graph_hash": runtime.registry.latest("tickets").graph_hash,
            }
        ],
    }


def test_graphs_and_graph_return_manifests_with_the_state_schema(fns):
    _, listed, _ = call(fns, "list_graphs", request("GET", "graphs"))
    req = request("GET", "graphs/tickets", route_params={"graph_name": "tickets"})
    status, one, _ = call(fns, "get_graph", req)
    assert status == 200
    diagram = one.pop("diagram")
    assert listed == {"graphs": [one]}
    assert diagram["mermaid"].startswith("flowchart TD\n")
    assert one["state_schema"] == Ticket.model_json_schema()
    assert one["entrypoint"] == "triage"
    assert one["event_handlers"] == ["approval"]
    assert set(one["nodes"]) == {"triage", "close"}


def test_graph_unknown_is_404(fns):
    req = request("GET", "graphs/nope", route_params={"graph_name": "nope"})
    assert_error(call(fns, "get_graph", req), 404, "graph_not_found")


def test_event_for_a_run_of_an_unregistered_version_is_409(fns, client):
    running(fns, client, "e6")
    client.statuses["e6"]["input"] = {"graph_name": "tickets", "graph_hash": "old", "state": {}}
    err = assert_error(
        send_event(fns, client, "e6", "approval", "{}"), 409, "graph_version_not_registered"
    )
    assert "hash 'old' is not registered" in err["message"]
    assert client.events == []
