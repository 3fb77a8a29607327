"""The SDK client's less common calls, through an app's own HTTP function and the real engine."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.clock import VirtualClock
from azure_functions_durable_graph.local.host import LocalHost
from tests.helpers import unique_id

APP = """
import json
from datetime import datetime

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="client/{op}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def call_client(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    op, args = req.route_params["op"], req.get_json()
    if op == "restart":
        return await client.restart(args["id"], restart_with_new_instance_id=args["new_id"])
    if op == "signal":
        await client.signal_entity(df.EntityId("counter", args["key"]), "add", args["amount"])
        return "signalled"
    if op == "read":
        state = await client.read_entity_state(df.EntityId("counter", args["key"]))
        return json.dumps({"exists": state.entity_exists, "state": state.entity_state})
    if op == "status":
        status = await client.get_status(args["id"], show_input=args["show_input"])
        return json.dumps(status.to_json())
    if op == "by_time":
        found = await client.get_status_by(
            created_time_from=datetime.fromisoformat(args["from"]),
            created_time_to=datetime.fromisoformat(args["to"]),
        )
        return json.dumps(sorted(s.instance_id for s in found))
    return func.HttpResponse("unknown op", status_code=400)


@app.orchestration_trigger(context_name="context")
def echo_input(context: df.DurableOrchestrationContext):
    value = yield context.call_activity("identity", context.get_input())
    return value


@app.orchestration_trigger(context_name="context")
def waits(context: df.DurableOrchestrationContext):
    return (yield context.wait_for_external_event("never"))


@app.activity_trigger(input_name="value")
def identity(value):
    return value


@app.entity_trigger(context_name="context")
def counter(context: df.DurableEntityContext):
    context.set_state(context.get_state(lambda: 0) + context.get_input())
"""


@pytest.fixture
def host(tmp_path: Path) -> Iterator[LocalHost]:
    (tmp_path / "function_app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    with LocalHost(tmp_path, store=":memory:", clock=VirtualClock()) as running:
        yield running


def client(host: LocalHost, op: str, **args: object) -> str:
    reply = host.post(f"/api/client/{op}", json=args)
    assert reply.status == 200, reply.text
    return reply.text


def test_restart_with_a_new_or_the_same_instance_id(host: LocalHost) -> None:
    first = host.start_new("echo_input", {"n": 1}, instance_id=unique_id("restart"))
    host.wait_for_status(first)

    renamed = client(host, "restart", id=first, new_id=True)
    assert renamed != first
    assert host.wait_for_status(renamed)["output"] == {"n": 1}

    same = client(host, "restart", id=first, new_id=False)
    assert same == first
    assert host.wait_for_status(first)["output"] == {"n": 1}


def test_restart_in_place_of_a_running_instance_is_refused(host: LocalHost) -> None:
    running = host.start_new("waits", None)
    host.wait_for_status(running, "Running")

    reply = host.post(
        f"/runtime/webhooks/durabletask/instances/{running}/restart?restartWithNewInstanceId=false"
    )

    assert reply.status == 409
    assert "already exists and is Running" in reply.json()["Message"]
    assert host.status(running)["runtimeStatus"] == "Running"


def test_entity_signals_and_state_reads_through_the_client(host: LocalHost) -> None:
    key = unique_id("counter")
    assert json.loads(client(host, "read", key=key)) == {"exists": False, "state": None}

    for amount in (5, 7):
        assert client(host, "signal", key=key, amount=amount) == "signalled"
    host.wait_until_idle()

    assert json.loads(client(host, "read", key=key)) == {"exists": True, "state": 12}


def test_status_shows_the_input_unless_show_input_is_false(host: LocalHost) -> None:
    instance_id = host.start_new("echo_input", {"secret": 1})
    host.wait_for_status(instance_id)

    # The SDK only sends showInput when it is true; the extension's default is true too.
    from_client = json.loads(client(host, "status", id=instance_id, show_input=False))
    raw = host.get(f"/runtime/webhooks/durabletask/instances/{instance_id}?showInput=false")

    assert from_client["input"] == {"secret": 1}
    assert from_client["output"] == {"secret": 1}
    assert raw.json()["input"] is None


def test_get_status_by_creation_time(host: LocalHost) -> None:
    start = host.clock.now()
    early = host.start_new("echo_input", 1)
    host.advance(timedelta(days=1))
    late = host.start_new("echo_input", 2)
    host.wait_until_idle()

    def created_between(low: datetime, high: datetime) -> list[str]:
        found: list[str] = json.loads(
            client(host, "by_time", **{"from": low.isoformat(), "to": high.isoformat()})
        )
        return found

    assert created_between(start, start + timedelta(hours=1)) == [early]
    assert created_between(start + timedelta(hours=1), start + timedelta(days=2)) == [late]
    assert created_between(start, start + timedelta(days=2)) == sorted([early, late])
