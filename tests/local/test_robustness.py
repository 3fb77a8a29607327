"""What a demanding user throws at the host: values that are not JSON, hostile requests, big runs.

Each case must end in a clear failure of the one thing that was wrong (an
instance, a task, an entity operation, a request), never in a crashed host,
a stuck instance or a hung `wait_until_idle`.
"""

from __future__ import annotations

import json
import socket
import textwrap
from collections.abc import Iterator

import pytest

from azure_functions_durable_graph.local.clock import VirtualClock
from azure_functions_durable_graph.local.host import TERMINAL_STATUSES, LocalHost

WEBHOOK = "/runtime/webhooks/durabletask"

APP = """
import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("this exception cannot even be printed")


@app.route(route="start/{name}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def start(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    instance_id = await client.start_new(req.route_params["name"], client_input=req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def returns_a_set(context: df.DurableOrchestrationContext):
    yield context.call_activity("echo", 1)
    return {1, 2}


@app.orchestration_trigger(context_name="context")
def status_is_an_object(context: df.DurableOrchestrationContext):
    context.set_custom_status(object())
    yield context.call_activity("echo", 1)
    return "unreachable"


@app.orchestration_trigger(context_name="context")
def raises_unprintable(context: df.DurableOrchestrationContext):
    yield context.call_activity("echo", 1)
    raise Unprintable()


@app.orchestration_trigger(context_name="context")
def yields_a_number(context: df.DurableOrchestrationContext):
    yield 5
    return "unreachable"


@app.orchestration_trigger(context_name="context")
def sends_a_set_to_an_activity(context: df.DurableOrchestrationContext):
    yield context.call_activity("echo", {1, 2})
    return "unreachable"


@app.orchestration_trigger(context_name="context")
def calls_an_activity_returning_a_set(context: df.DurableOrchestrationContext):
    try:
        yield context.call_activity("returns_set", 1)
    except Exception as exc:
        return str(exc).splitlines()[0]
    return "no error"


@app.orchestration_trigger(context_name="context")
def uses_a_fragile_entity(context: df.DurableOrchestrationContext):
    entity = df.EntityId("fragile", "k")
    results = []
    for operation in context.get_input():
        try:
            results.append((yield context.call_entity(entity, operation)))
        except Exception as exc:
            results.append(str(exc))
    return results


@app.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext):
    count = context.get_input()
    results = yield context.task_all([context.call_activity("echo", i) for i in range(count)])
    return sum(results)


@app.orchestration_trigger(context_name="context")
def big_payload(context: df.DurableOrchestrationContext):
    text = yield context.call_activity("blob", context.get_input())
    return {"length": len(text), "text": text}


@app.activity_trigger(input_name="value")
def echo(value):
    return value


@app.activity_trigger(input_name="value")
def returns_set(value):
    return {1, 2}


@app.activity_trigger(input_name="size")
def blob(size):
    return "x" * size


@app.entity_trigger(context_name="context")
def fragile(context: df.DurableEntityContext):
    if context.operation_name == "store_a_set":
        context.set_state({1, 2})
    elif context.operation_name == "return_a_set":
        context.set_result({3})
    else:
        context.set_state(context.get_state(lambda: 0) + 1)
        context.set_result(context.get_state())
"""


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHost]:
    folder = tmp_path_factory.mktemp("robust_app")
    (folder / "function_app.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    with LocalHost(folder, store=":memory:", clock=VirtualClock()) as running:
        yield running


def failure_of(host: LocalHost, orchestrator: str, value: object = None) -> str:
    status = host.wait_for_status(host.start_new(orchestrator, value))
    assert status["runtimeStatus"] == "Failed", status
    output: str = status["output"]
    return output


@pytest.mark.parametrize(
    ("orchestrator", "expected"),
    [
        ("returns_a_set", "failed: Object of type set is not JSON serializable"),
        ("status_is_an_object", "failed: class <class 'object'> does not expose a `to_json`"),
        ("raises_unprintable", "failed: this exception cannot even be printed"),
        ("yields_a_number", "failed: 'int' object has no attribute"),
        ("sends_a_set_to_an_activity", "failed: class <class 'set'> does not expose a `to_json`"),
    ],
)
def test_an_orchestrator_with_a_value_that_is_not_json_fails_clearly(
    host: LocalHost, orchestrator: str, expected: str
) -> None:
    message = failure_of(host, orchestrator)

    assert message.startswith(f"Orchestrator function '{orchestrator}' failed: ")
    assert expected in message


def test_an_activity_result_that_is_not_json_fails_only_that_task(host: LocalHost) -> None:
    status = host.wait_for_status(host.start_new("calls_an_activity_returning_a_set"))

    assert status["runtimeStatus"] == "Completed"
    assert status["output"].startswith(
        "Activity function 'returns_set' failed:  ValueError: activity trigger output must be "
        "json serializable"
    )


def test_an_entity_that_cannot_serialize_fails_the_operation_and_keeps_its_state(
    host: LocalHost,
) -> None:
    operations = ["increment", "store_a_set", "return_a_set", "increment"]
    status = host.wait_for_status(host.start_new("uses_a_fragile_entity", operations))

    first, stored, returned, last = status["output"]
    assert (first, last) == (1, 2)  # the failed operations did not touch the state
    assert "Entity function 'fragile' failed on operation 'store_a_set': TypeError" in stored
    assert "Entity function 'fragile' failed on operation 'return_a_set': TypeError" in returned
    host.wait_until_idle()  # nothing is left queued for the entity
    assert host.get(f"{WEBHOOK}/entities/fragile/k").json() == 2


@pytest.mark.parametrize(
    ("method", "path", "body", "code", "message"),
    [
        ("POST", "/orchestrators/fan_out", b"\xff\xfe{", 400, "must be UTF-8 JSON text"),
        ("POST", "/orchestrators/fan_out", b"{oops", 400, "input must be JSON"),
        ("POST", "/orchestrators/nobody", b"1", 400, "'nobody' is not registered"),
        ("POST", "/orchestrators/fan_out/%20", b"1", 400, "instance_id must be a non-empty"),
        ("POST", "/orchestrators/fan_out?timeout=nan", b"1", 400, "non-negative number"),
        ("POST", "/orchestrators/fan_out?timeout=-1", b"1", 400, "non-negative number"),
        ("POST", "/orchestrators/fan_out?pollingInterval=inf&timeout=1", b"1", 400, "seconds"),
        ("GET", "/instances/x?showHistory=maybe", b"", 400, "must be true or false"),
        ("GET", "/instances/?createdTimeFrom=yesterday", b"", 400, "ISO 8601"),
        ("GET", "/instances/?createdTimeTo=2025-01-01T00:00:00%2B99:00", b"", 400, "ISO 8601"),
        ("GET", "/instances/?runtimeStatus=Running,Bogus", b"", 400, "'Bogus' is not a runtime"),
        ("GET", "/instances/?top=-3", b"", 400, "positive integer"),
        ("DELETE", "/instances/?runtimeStatus=,", b"", 400, "is not a runtime status"),
        ("DELETE", "/instances/?createdTimeFrom=soon", b"", 400, "ISO 8601"),
        ("POST", "/instances/nobody/raiseEvent/go", b"1", 404, "no orchestration instance"),
        ("POST", "/instances/nobody/raiseEvent/go", b"{oops", 400, "event payload must be JSON"),
        ("POST", "/instances/nobody/raiseEvent/go", b"\xff", 400, "must be UTF-8 JSON text"),
        ("POST", "/instances/nobody/terminate", b"", 404, "nobody"),
        ("POST", "/instances/nobody/rewind", b"", 501, "does not support rewind"),
        ("POST", "/entities/fragile/k?op=add", b"\xff", 400, "must be UTF-8 JSON text"),
        ("GET", "/instances/%ZZ", b"", 404, "'%ZZ'"),
        ("PUT", "/instances/", b"", 405, "not allowed"),
        ("GET", "/nothing/here", b"", 404, "no Durable management endpoint"),
    ],
)
def test_a_malformed_management_request_is_a_json_error_naming_the_problem(
    host: LocalHost, method: str, path: str, body: bytes, code: int, message: str
) -> None:
    reply = host.request(method, WEBHOOK + path, data=body)

    assert reply.status == code, reply.text
    assert message in reply.json()["Message"]
    assert "Traceback" not in reply.text


def test_broken_http_and_failing_starters_leave_the_host_serving(host: LocalHost) -> None:
    for garbage in (
        b"\x00\x01GARBAGE\r\n\r\n",
        b"POST /api/start/fan_out HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"GET /api/start/x HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    ):
        with socket.create_connection(("127.0.0.1", host.port), timeout=10) as raw:
            raw.sendall(garbage)
            status_line = raw.recv(4096).split(b"\r\n", 1)[0]
        assert status_line.startswith(b"HTTP/1.") and b" 400 " in status_line, status_line

    bad_json = host.post("/api/start/fan_out", data=b"{oops")
    unknown = host.post("/api/start/nobody", json=1)
    for reply in (bad_json, unknown):
        assert reply.status == 500
        assert reply.json()["error"]["code"] == "function_failed"
        assert "Traceback" not in reply.text

    started = host.post("/api/start/fan_out", json=3)
    assert started.status == 202
    assert host.wait_for_status(started.json()["id"])["output"] == 3
    host.wait_until_idle()
    everything = host.get(f"{WEBHOOK}/instances/").json()
    assert {s["runtimeStatus"] for s in everything} <= set(TERMINAL_STATUSES)


def test_a_huge_history_and_a_large_payload_still_work(host: LocalHost) -> None:
    fan = host.start_new("fan_out", 1000)
    assert host.wait_for_status(fan, timeout=60)["output"] == sum(range(1000))
    history = host.get(f"{WEBHOOK}/instances/{fan}?showHistory=true&showHistoryOutput=true")
    assert history.status == 200
    assert len(history.json()["historyEvents"]) > 1000
    assert len(host.history(fan)) > 2000  # TaskScheduled + TaskCompleted per activity

    size = 5 * 1024 * 1024
    big = host.start_new("big_payload", size)
    status = host.wait_for_status(big, timeout=60)
    assert status["output"]["length"] == size
    assert json.loads(host.get(f"{WEBHOOK}/instances/{big}").text)["output"]["text"] == "x" * size
