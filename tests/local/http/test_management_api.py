"""The Durable HTTP API, driven by the SDK's real DurableOrchestrationClient.

The engine here is a plain fake that records calls, so each status code
and body the client depends on is checked on its own; tests/local/test_host.py
drives the same API through the real engine.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from azure.durable_functions import DurableOrchestrationClient, OrchestrationRuntimeStatus

from azure_functions_durable_graph.local.errors import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    OrchestratorNotFound,
)
from azure_functions_durable_graph.local.http.durable_urls import DurableUrls
from azure_functions_durable_graph.local.http.management_api import ManagementApi
from azure_functions_durable_graph.local.http.management_requests import start_input
from azure_functions_durable_graph.local.http.server import AppServer
from azure_functions_durable_graph.local.worker_loop import run_sync


def status(instance_id: str, runtime_status: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "hello",
        "instanceId": instance_id,
        "runtimeStatus": runtime_status,
        "input": None,
        "customStatus": None,
        "output": None,
        "createdTime": "2025-01-01T00:00:00Z",
        "lastUpdatedTime": "2025-01-01T00:00:01Z",
        **extra,
    }


class FakeEngine:
    """Records calls; instances are a dict of status bodies."""

    def __init__(self) -> None:
        self.instances: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[Any, ...]] = []

    async def start_orchestration(
        self, name: str, input_json: str | None, instance_id: str | None = None
    ) -> str:
        self.calls.append(("start", name, input_json, instance_id))
        if name != "hello":
            raise OrchestratorNotFound(name, ["hello"])
        instance_id = instance_id or "generated-id"
        existing = self.instances.get(instance_id)
        if existing and existing["runtimeStatus"] == "Running":
            raise InstanceAlreadyExists(instance_id, "Running")
        self.instances[instance_id] = status(instance_id, "Running", input=input_json)
        return instance_id

    def _get(self, instance_id: str) -> dict[str, Any]:
        if instance_id not in self.instances:
            raise InstanceNotFound(instance_id)
        return self.instances[instance_id]

    async def raise_event(self, instance_id: str, event_name: str, input_json: str | None) -> None:
        self.calls.append(("raise", instance_id, event_name, input_json))
        found = self._get(instance_id)
        if found["runtimeStatus"] != "Running":
            raise InstanceNotRunning(instance_id, found["runtimeStatus"])

    async def terminate(self, instance_id: str, reason: str) -> None:
        self.calls.append(("terminate", instance_id, reason))
        found = self._get(instance_id)
        if found["runtimeStatus"] != "Running":
            raise InstanceNotRunning(instance_id, found["runtimeStatus"])
        found["runtimeStatus"] = "Terminated"

    async def get_status(
        self,
        instance_id: str,
        *,
        show_input: bool = True,
        show_history: bool = False,
        show_history_output: bool = False,
    ) -> dict[str, Any] | None:
        self.calls.append(("status", instance_id, show_input, show_history, show_history_output))
        found = self.instances.get(instance_id)
        if found is None:
            return None
        body = dict(found)
        if show_history:
            body["historyEvents"] = [{"EventType": "ExecutionStarted"}]
        return body

    async def list_statuses(self, **filters: Any) -> list[dict[str, Any]]:
        self.calls.append(("list", filters))
        wanted = filters.get("runtime_status")
        return [s for s in self.instances.values() if not wanted or s["runtimeStatus"] in wanted]

    async def purge(self, instance_id: str) -> int:
        self.calls.append(("purge", instance_id))
        return 1 if self.instances.pop(instance_id, None) else 0

    async def purge_many(self, **filters: Any) -> int:
        self.calls.append(("purge_many", filters))
        count = len(self.instances)
        self.instances.clear()
        return count


class Harness:
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine
        self.server = AppServer(
            [],
            route_prefix="api",
            management=ManagementApi(engine, self.urls),
            starter=lambda: self.urls().starter_json(),
        )
        run_sync(self.server.start())

    def urls(self) -> DurableUrls:
        return DurableUrls(f"http://127.0.0.1:{self.server.port}", "TestHub")

    def client(self) -> DurableOrchestrationClient:
        return DurableOrchestrationClient(self.urls().starter_json())

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        async def run() -> Any:
            return await getattr(self.client(), method)(*args, **kwargs)

        return run_sync(run())

    def http(self, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
        url = f"http://127.0.0.1:{self.server.port}{path}"
        request = urllib.request.Request(url, data=body, method=method)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request) as reply:
                text = reply.read().decode()
                return reply.status, json.loads(text) if text else None
        except urllib.error.HTTPError as failed:
            text = failed.read().decode()
            return failed.code, json.loads(text) if text else None


@pytest.fixture
def api() -> Iterator[Harness]:
    harness = Harness(FakeEngine())
    yield harness
    run_sync(harness.server.stop())


def test_starter_string_has_what_the_client_needs(api: Harness) -> None:
    starter = api.urls().starter()
    base = f"http://127.0.0.1:{api.server.port}/runtime/webhooks/durabletask"
    assert starter["rpcBaseUrl"] == base + "/"
    assert starter["baseUrl"] == base
    assert starter["taskHubName"] == "TestHub"
    assert starter["managementUrls"]["id"] == "INSTANCEID"
    assert starter["managementUrls"]["statusQueryGetUri"] == (
        f"{base}/instances/INSTANCEID?taskHub=TestHub&connection=Storage"
    )
    assert set(starter["managementUrls"]) == {
        "id", "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "rewindPostUri",
        "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri",
    }  # fmt: skip


def test_start_new_passes_the_input_json_text(api: Harness) -> None:
    instance_id = api.call("start_new", "hello", "abc", {"city": "Tokyo"})
    assert instance_id == "abc"
    assert api.engine.calls[-1] == ("start", "hello", '{"city": "Tokyo"}', "abc")

    assert api.call("start_new", "hello") == "generated-id"
    assert api.engine.calls[-1] == ("start", "hello", None, None)


def test_start_of_an_unknown_orchestrator_raises_the_extension_message(api: Harness) -> None:
    with pytest.raises(Exception, match="orchestrator function 'nope' is not registered"):
        api.call("start_new", "nope")


def test_start_over_a_running_instance_is_a_conflict(api: Harness) -> None:
    api.call("start_new", "hello", "dup")
    code, body = api.http("POST", "/runtime/webhooks/durabletask/orchestrators/hello/dup")
    assert code == 409
    assert "already exists and is Running" in body["Message"]


def test_start_body_forms() -> None:
    assert start_input("") is None
    assert start_input(json.dumps(json.dumps({"a": 1}))) == '{"a": 1}'  # the SDK's double encoding
    assert start_input('{"a": 1}') == '{"a": 1}'  # curl's raw JSON
    assert start_input('"plain words"') == '"plain words"'
    assert start_input("5") == "5"


def test_start_over_http_answers_202_with_the_management_payload(api: Harness) -> None:
    code, body = api.http(
        "POST", "/runtime/webhooks/durabletask/orchestrators/hello/x1", b'{"n": 1}'
    )
    assert code == 202
    assert body["id"] == "x1"
    assert body["statusQueryGetUri"].endswith("/instances/x1?taskHub=TestHub&connection=Storage")


def test_bad_start_body_is_a_400(api: Harness) -> None:
    code, body = api.http("POST", "/runtime/webhooks/durabletask/orchestrators/hello", b"{oops")
    assert code == 400
    assert body["Message"].startswith("the orchestration input must be JSON")


def test_get_status_running_is_202_and_finished_is_200(api: Harness) -> None:
    api.call("start_new", "hello", "s1")
    code, body = api.http("GET", "/runtime/webhooks/durabletask/instances/s1")
    assert (code, body["runtimeStatus"]) == (202, "Running")

    api.engine.instances["s1"]["runtimeStatus"] = "Completed"
    got = api.call("get_status", "s1", show_history=True)
    assert got.runtime_status == OrchestrationRuntimeStatus.Completed
    assert got.historyEvents == [{"EventType": "ExecutionStarted"}]
    assert api.engine.calls[-1] == ("status", "s1", True, True, False)


def test_failed_status_is_200_unless_500_is_asked_for(api: Harness) -> None:
    api.engine.instances["f"] = status("f", "Failed")
    assert api.http("GET", "/runtime/webhooks/durabletask/instances/f")[0] == 200
    path = "/runtime/webhooks/durabletask/instances/f?returnInternalServerErrorOnFailure=true"
    assert api.http("GET", path)[0] == 500


def test_get_status_of_unknown_instance(api: Harness) -> None:
    got = api.call("get_status", "missing")
    assert not got  # the SDK's falsy "no such instance" status
    code, body = api.http("GET", "/runtime/webhooks/durabletask/instances/missing")
    assert code == 404
    assert body["Message"] == "no orchestration instance with id 'missing'"


def test_bad_show_flag_is_a_400(api: Harness) -> None:
    code, body = api.http("GET", "/runtime/webhooks/durabletask/instances/x?showHistory=maybe")
    assert code == 400
    assert body["Message"] == "query parameter showHistory must be true or false, found 'maybe'"


def test_list_and_filter(api: Harness) -> None:
    api.call("start_new", "hello", "a")
    api.call("start_new", "hello", "b")
    api.engine.instances["b"]["runtimeStatus"] = "Completed"

    assert {s.instance_id for s in api.call("get_status_all")} == {"a", "b"}

    since = datetime(2025, 1, 1, tzinfo=timezone.utc)
    running = api.call(
        "get_status_by",
        created_time_from=since,
        runtime_status=[OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending],
        instance_id_prefix="a",
    )
    assert [s.instance_id for s in running] == ["a"]
    filters = api.engine.calls[-1][1]
    assert filters == {
        "created_from": since,
        "created_to": None,
        "runtime_status": ["Running", "Pending"],
        "instance_id_prefix": "a",
    }


def test_list_without_input_and_limited(api: Harness) -> None:
    api.call("start_new", "hello", "a", {"secret": 1})
    api.call("start_new", "hello", "b", {"secret": 2})
    code, body = api.http("GET", "/runtime/webhooks/durabletask/instances?showInput=false&top=1")
    assert code == 200
    assert len(body) == 1
    assert "input" not in body[0]


def test_list_with_a_bad_filter_is_a_400(api: Harness) -> None:
    code, body = api.http("GET", "/runtime/webhooks/durabletask/instances/?runtimeStatus=Sleepy")
    assert code == 400
    assert body["Message"].startswith("runtimeStatus 'Sleepy' is not a runtime status")
    code, body = api.http("GET", "/runtime/webhooks/durabletask/instances?createdTimeFrom=noon")
    assert code == 400
    assert "createdTimeFrom must be an ISO 8601 time" in body["Message"]


def test_raise_event_codes(api: Harness) -> None:
    api.call("start_new", "hello", "e1")
    api.call("raise_event", "e1", "approve", {"ok": True})
    # The client JSON-encodes json.dumps(data): the orchestrator gets the string.
    assert api.engine.calls[-1] == ("raise", "e1", "approve", json.dumps('{"ok": true}'))

    with pytest.raises(Exception, match=r"No instance with ID nobody found\."):
        api.call("raise_event", "nobody", "approve", 1)

    api.engine.instances["e1"]["runtimeStatus"] = "Completed"
    with pytest.raises(Exception, match="Instance with ID e1 is gone"):
        api.call("raise_event", "e1", "approve", 1)


def test_raw_json_event_over_http(api: Harness) -> None:
    api.call("start_new", "hello", "e2")
    code, _ = api.http(
        "POST", "/runtime/webhooks/durabletask/instances/e2/raiseEvent/approve", b'{"ok": true}'
    )
    assert code == 202
    assert api.engine.calls[-1] == ("raise", "e2", "approve", '{"ok": true}')
    code, body = api.http(
        "POST", "/runtime/webhooks/durabletask/instances/e2/raiseEvent/approve", b"not json"
    )
    assert code == 400
    assert body["Message"].startswith("the event payload must be JSON")


def test_terminate_codes(api: Harness) -> None:
    api.call("start_new", "hello", "t1")
    api.call("terminate", "t1", "enough now")
    assert api.engine.calls[-1] == ("terminate", "t1", "enough now")
    api.call("terminate", "t1", "again")  # 410 is accepted silently by the client
    with pytest.raises(Exception, match=r"No instance with ID 'ghost' found\."):
        api.call("terminate", "ghost", "why")


def test_purge_codes(api: Harness) -> None:
    api.call("start_new", "hello", "p1")
    assert api.call("purge_instance_history", "p1").instances_deleted == 1
    assert api.call("purge_instance_history", "p1").instances_deleted == 0  # 404 -> 0

    api.call("start_new", "hello", "p2")
    since = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert api.call("purge_instance_history_by", created_time_from=since).instances_deleted == 1
    assert api.call("purge_instance_history_by", created_time_from=since).instances_deleted == 0


def test_operations_the_engine_lacks_are_501(api: Harness) -> None:
    api.call("start_new", "hello", "s")
    with pytest.raises(Exception, match="unexpected status code 501"):
        api.call("suspend", "s", "pause")
    code, body = api.http("POST", "/runtime/webhooks/durabletask/instances/s/rewind?reason=x")
    assert code == 501
    assert body["Message"] == "the local Durable host does not support rewind yet"


def test_unknown_management_path_and_wrong_method(api: Harness) -> None:
    assert api.http("GET", "/runtime/webhooks/durabletask/nothing/here")[0] == 404
    code, body = api.http("PUT", "/runtime/webhooks/durabletask/instances/x")
    assert code == 405
    assert body["Message"] == "PUT is not allowed here; use ['DELETE', 'GET']"
