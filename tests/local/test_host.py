"""LocalHost end to end: a real DFApp, the real DurableOrchestrationClient, a real socket."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
import textwrap
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.clock import VirtualClock
from azure_functions_durable_graph.local.errors import LocalHostError
from azure_functions_durable_graph.local.host import LocalHost
from tests.helpers import unique_id

APP = """
import json
import os
from datetime import datetime, timedelta, timezone

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{name}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    instance_id = await client.start_new(req.route_params["name"], client_input=req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.route(route="approve/{instance_id}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def approve(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    await client.raise_event(req.route_params["instance_id"], "approval", req.get_json())
    return func.HttpResponse(status_code=202)


@app.route(route="manage/{instance_id}/{op}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def manage(req: func.HttpRequest, client: df.DurableOrchestrationClient):
    instance_id, op = req.route_params["instance_id"], req.route_params["op"]
    if op == "terminate":
        await client.terminate(instance_id, "stopped by test")
        return "terminated"
    if op == "purge":
        result = await client.purge_instance_history(instance_id)
        return str(result.instances_deleted)
    if op == "purge_by":
        since = datetime.now(timezone.utc) - timedelta(days=1)
        result = await client.purge_instance_history_by(
            created_time_from=since, runtime_status=[df.OrchestrationRuntimeStatus.Terminated]
        )
        return str(result.instances_deleted)
    if op == "list":
        found = await client.get_status_by(
            runtime_status=[df.OrchestrationRuntimeStatus.Running], instance_id_prefix=instance_id
        )
        everything = await client.get_status_all()
        return json.dumps({
            "running": [s.instance_id for s in found],
            "all": sorted(s.instance_id for s in everything),
        })
    if op == "wait":
        return await client.wait_for_completion_or_create_check_status_response(
            req, instance_id, timeout_in_milliseconds=300, retry_interval_in_milliseconds=50
        )
    if op == "restart":
        await client.start_new("approval_flow", instance_id, {"id": 0})
        return "restarted"
    if op == "suspend":
        await client.suspend(instance_id, "pause")
        return "suspended"
    if op == "resume":
        await client.resume(instance_id, "go on")
        return "resumed"
    status = await client.get_status(instance_id, show_history=True)
    return func.HttpResponse(json.dumps(status.to_json()), mimetype="application/json")


@app.route(route="setting")
def setting(req: func.HttpRequest) -> str:
    return os.environ.get("GREETING_STYLE", "<unset>")


@app.orchestration_trigger(context_name="context")
def approval_flow(context: df.DurableOrchestrationContext):
    order = context.get_input()
    checked = yield context.call_activity("check", order)
    deadline = context.current_utc_datetime + timedelta(hours=72)
    timeout = context.create_timer(deadline)
    approval = context.wait_for_external_event("approval")
    winner = yield context.task_any([approval, timeout])
    if winner == approval:
        timeout.cancel()
        return {"checked": checked, "approval": approval.result}
    return {"checked": checked, "approval": "timed out"}


@app.activity_trigger(input_name="order")
def check(order: dict) -> str:
    return f"order {order['id']} ok"
"""


def write_app(folder: Path, source: str = APP, host_json: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "function_app.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (folder / "host.json").write_text(json.dumps(host_json or {"version": "2.0"}), encoding="utf-8")
    return folder


def test_http_starter_check_status_links_and_raised_event(tmp_path: Path) -> None:
    app_dir = write_app(tmp_path)
    with LocalHost(app_dir, store=":memory:", clock=VirtualClock()) as host:
        started = host.post("/api/orchestrators/approval_flow", json={"id": 7})

        assert started.status == 202
        links = started.json()
        assert started.headers["Location"] == links["statusQueryGetUri"]
        assert started.headers["Retry-After"] == "10"
        assert links["statusQueryGetUri"].startswith(
            f"{host.base_url}/runtime/webhooks/durabletask/instances/{links['id']}?"
        )

        host.wait_for_status(links["id"], "Running")
        host.wait_until_idle()  # the activity ran; the orchestrator waits for approval
        running = host.get(links["statusQueryGetUri"])
        assert running.status == 202
        assert running.json()["runtimeStatus"] == "Running"

        assert host.post(f"/api/approve/{links['id']}", json={"by": "ana"}).status == 202

        done = host.wait_for_status(links["id"])
        assert done["runtimeStatus"] == "Completed"
        # raise_event JSON-encodes the payload once more: the orchestrator gets the JSON text.
        assert done["output"] == {"checked": "order 7 ok", "approval": '{"by": "ana"}'}
        final = host.get(links["statusQueryGetUri"])
        assert (final.status, final.json()["output"]) == (200, done["output"])

        names = [e["EventType"] for e in host.history(links["id"])]
        assert 15 in names  # EventRaised
        assert 11 not in names  # the 72-hour timer never fired


def test_event_posted_to_send_event_uri_arrives_as_a_value(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path), store=":memory:", clock=VirtualClock()) as host:
        links = host.post("/api/orchestrators/approval_flow", json={"id": 1}).json()
        send = links["sendEventPostUri"].replace("{eventName}", "approval")
        assert host.post(send, json={"by": "curl"}).status == 202
        assert host.wait_for_status(links["id"])["output"]["approval"] == {"by": "curl"}


def test_advance_fires_a_72_hour_timer_at_once(tmp_path: Path) -> None:
    clock = VirtualClock()
    with LocalHost(write_app(tmp_path), store=":memory:", clock=clock) as host:
        instance_id = host.start_new("approval_flow", {"id": 9})
        host.wait_until_idle()
        assert host.status(instance_id)["runtimeStatus"] == "Running"

        host.advance(timedelta(hours=71))
        assert host.status(instance_id)["runtimeStatus"] == "Running"
        host.advance(timedelta(hours=1))

        assert host.status(instance_id)["output"] == {
            "checked": "order 9 ok",
            "approval": "timed out",
        }


def test_client_get_status_terminate_and_purge_through_http(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path), store=":memory:", clock=VirtualClock()) as host:
        instance_id = host.start_new("approval_flow", {"id": 3}, instance_id=unique_id())
        host.wait_until_idle()

        status = host.post(f"/api/manage/{instance_id}/status").json()
        assert status["runtimeStatus"] == "Running"
        assert status["instanceId"] == instance_id

        assert host.post(f"/api/manage/{instance_id}/terminate").text == "terminated"
        terminated = host.wait_for_status(instance_id, "Terminated")
        assert terminated["output"] == "stopped by test"
        # A second terminate answers 410, which the client accepts quietly.
        assert host.post(f"/api/manage/{instance_id}/terminate").status == 200

        assert host.post(f"/api/manage/{instance_id}/purge").text == "1"
        assert host.status(instance_id) is None
        assert host.post(f"/api/manage/{instance_id}/purge").text == "0"


def test_default_store_is_a_wal_file_in_the_app_folder_and_survives_restart(tmp_path: Path) -> None:
    app_dir = write_app(tmp_path)
    with LocalHost(app_dir) as host:
        instance_id = host.start_new("approval_flow", {"id": 5})
        host.wait_until_idle()

    store = app_dir / ".durable-graph" / "store.sqlite3"
    assert store.is_file()
    assert (app_dir / ".durable-graph" / ".gitignore").read_text() == "*\n"
    with closing(sqlite3.connect(store)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    with LocalHost(app_dir) as host:
        assert host.status(instance_id)["runtimeStatus"] == "Running"
        host.raise_event(instance_id, "approval", "yes")
        assert host.wait_for_status(instance_id)["output"]["approval"] == "yes"


def test_stop_frees_the_port_unloads_the_app_and_restores_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GREETING_STYLE", raising=False)
    app_dir = write_app(tmp_path)
    (app_dir / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"GREETING_STYLE": "warm"}})
    )
    host = LocalHost(app_dir, store=":memory:").start()
    port = host.port
    assert host.get("/api/setting").text == "warm"
    host.stop()

    assert "function_app" not in sys.modules
    with socket.socket() as probe:
        # SO_REUSEADDR skips closed connections in TIME_WAIT but not a live listener.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        probe.listen()
    with LocalHost(app_dir, store=":memory:", port=port) as again:
        assert again.base_url == f"http://127.0.0.1:{port}"
        assert again.get("/api/setting").text == "warm"
    assert "GREETING_STYLE" not in os.environ


def test_functions_are_listed_with_their_urls(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path), store=":memory:") as host:
        described = {f.name: f.describe() for f in host.functions}
        base_url = host.base_url
    assert described["approve"] == f"approve: [POST] {base_url}/api/approve/{{instance_id}}"
    assert described["approval_flow"] == "approval_flow: orchestrationTrigger"
    assert described["check"] == "check: activityTrigger"


def test_wait_for_status_times_out_with_the_last_status(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path), store=":memory:", clock=VirtualClock()) as host:
        instance_id = host.start_new("approval_flow", {"id": 1}, instance_id="waits")
        host.wait_until_idle()  # it reached its deadline timer (a loaded machine is slow)
        with pytest.raises(TimeoutError) as info:
            host.wait_for_status(instance_id, "Completed", timeout=0.2)
    assert str(info.value).startswith(
        "instance 'waits' did not reach Completed within 0.2s; last status: Running; "
        "a durable timer of instance 'waits' is pending"  # the approval deadline: advance()
    )


def test_advance_needs_a_virtual_clock(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path), store=":memory:") as host, pytest.raises(TypeError) as info:
        host.advance(timedelta(seconds=1))
    assert str(info.value) == (
        "advance() needs LocalHost(clock=VirtualClock()); this host runs on WallClock"
    )


def test_methods_need_a_started_host(tmp_path: Path) -> None:
    host = LocalHost(write_app(tmp_path), store=":memory:")
    with pytest.raises(LocalHostError, match="not started"):
        host.status("x")


def test_port_in_use_is_reported_and_nothing_stays_loaded(tmp_path: Path) -> None:
    from azure_functions_durable_graph.local.http.server import PortInUseError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} on 127.0.0.1 is already in use"):
            LocalHost(write_app(tmp_path), store=":memory:", port=port).start()
    assert "function_app" not in sys.modules


def test_client_queries_waits_and_purges_by_filter_through_http(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path), store=":memory:", clock=VirtualClock()) as host:
        prefix = unique_id("q")
        first = host.start_new("approval_flow", {"id": 1}, instance_id=f"{prefix}-1")
        second = host.start_new("approval_flow", {"id": 2}, instance_id=f"{prefix}-2")
        host.wait_until_idle()
        host.raise_event(second, "approval", "ok")
        host.wait_for_status(second)

        listed = host.post(f"/api/manage/{prefix}/list").json()
        assert listed == {"running": [first], "all": [first, second]}

        # Still running when the wait gives up: the 202 check-status response.
        waited = host.post(f"/api/manage/{first}/wait")
        assert waited.status == 202
        assert waited.json()["id"] == first
        # Completed: 200 with the output.
        done = host.post(f"/api/manage/{second}/wait")
        assert (done.status, done.json()) == (200, {"checked": "order 2 ok", "approval": "ok"})

        host.post(f"/api/manage/{first}/terminate")
        host.wait_for_status(first, "Terminated")
        assert host.post(f"/api/manage/{first}/purge_by").text == "1"
        assert host.status(first) is None and host.status(second) is not None


def test_client_errors_surface_as_500_from_the_starter(tmp_path: Path) -> None:
    with LocalHost(write_app(tmp_path), store=":memory:", clock=VirtualClock()) as host:
        instance_id = host.start_new("approval_flow", {"id": 1})
        host.wait_until_idle()

        # Starting over a running instance is refused (409) and the client raises.
        again = host.post(f"/api/manage/{instance_id}/restart")
        assert again.status == 500
        assert "already exists and is Running" in again.json()["error"]["message"]

        # Suspend and resume go through the real client to the engine.
        assert host.post(f"/api/manage/{instance_id}/suspend").text == "suspended"
        assert host.wait_for_status(instance_id, "Suspended")["runtimeStatus"] == "Suspended"
        assert host.post(f"/api/manage/{instance_id}/resume").text == "resumed"
        assert host.wait_for_status(instance_id, "Running")["runtimeStatus"] == "Running"

        unknown = host.post("/api/orchestrators/no_such_orchestrator", json={})
        assert unknown.status == 500
        assert (
            "orchestrator function 'no_such_orchestrator' is not registered"
            in (unknown.json()["error"]["message"])
        )


def test_two_hosts_at_once_and_one_stopping_leaves_the_other_working(tmp_path: Path) -> None:
    first = LocalHost(write_app(tmp_path / "a"), store=":memory:", clock=VirtualClock()).start()
    try:
        with LocalHost(write_app(tmp_path / "b"), store=":memory:", clock=VirtualClock()) as second:
            assert first.port != second.port
            links = second.post("/api/orchestrators/approval_flow", json={"id": 1}).json()
            assert first.post("/api/orchestrators/approval_flow", json={"id": 2}).status == 202
        # The first host's durable client keeps working after the second stopped.
        instance_id = first.post("/api/orchestrators/approval_flow", json={"id": 3}).json()["id"]
        assert first.post(f"/api/approve/{instance_id}", json="yes").status == 202
        assert first.wait_for_status(instance_id)["runtimeStatus"] == "Completed"
        assert first.status(links["id"]) is None  # separate stores
    finally:
        first.stop()
