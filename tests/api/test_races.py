"""Runs that finish between the handler's status check and its Durable call.

The fake client answers as the SDK does over the extension (see fakes.py);
its `before` hooks finish the run at the worst moment.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.fakes import FakeDurableClient, request
from tests.api.test_http import assert_error, build_runtime, call, set_status, start, user_functions


@pytest.fixture(scope="module")
def fns() -> dict[str, Any]:
    return user_functions(build_runtime())


@pytest.fixture
def client() -> FakeDurableClient:
    return FakeDurableClient()


def running(fns: dict[str, Any], client: FakeDurableClient, instance_id: str) -> None:
    start(fns, client, {"input": {"title": "x"}, "instance_id": instance_id})
    set_status(client, instance_id, "Running")


def send_event(fns, client, instance_id: str) -> tuple[int, Any, Any]:
    req = request(
        "POST",
        f"runs/{instance_id}/events/approval",
        body='{"approved": true}',
        route_params={"instance_id": instance_id, "event_name": "approval"},
    )
    return call(fns, "raise_event", req, client)


def cancel(fns, client, instance_id: str) -> tuple[int, Any, Any]:
    req = request("POST", f"runs/{instance_id}/cancel", route_params={"instance_id": instance_id})
    return call(fns, "cancel_run", req, client)


def test_an_event_that_races_completion_is_a_409_not_a_500(fns, client):
    running(fns, client, "r1")
    client.before["raise_event"] = client.finish("r1", "Completed")
    err = assert_error(send_event(fns, client, "r1"), 409, "run_finished")
    assert err["message"] == (
        "run 'r1' has already finished (Completed) before the event arrived; it was not delivered"
    )
    assert client.events == []


def test_an_event_to_a_run_purged_meanwhile_is_a_404(fns, client):
    running(fns, client, "r2")
    client.before["raise_event"] = lambda: client.statuses.pop("r2")
    assert_error(send_event(fns, client, "r2"), 404, "instance_not_found")


def test_a_cancel_that_races_completion_is_a_409_not_a_202(fns, client):
    running(fns, client, "r3")
    client.before["terminate"] = client.finish("r3", "Completed")
    err = assert_error(cancel(fns, client, "r3"), 409, "run_finished")
    assert err["message"] == "run 'r3' has already finished (Completed); it was not cancelled"
    assert client.terminated == []


def test_a_cancel_that_wins_is_a_202(fns, client):
    running(fns, client, "r4")
    status, body, _ = cancel(fns, client, "r4")
    assert status == 202, body
    assert client.terminated == [("r4", "cancelled through the HTTP API")]


def test_a_start_that_loses_the_id_race_is_a_409(fns, client):
    """Another start took the id after this one's check: the store's refusal is a 409."""

    def other_start_wins() -> None:
        client.statuses["r5"] = {
            "name": "durable_graph_orchestrator",
            "instanceId": "r5",
            "runtimeStatus": "Running",
            "input": None,
        }

    client.before["start_new"] = other_start_wins
    err = assert_error(
        start(fns, client, {"input": {"title": "x"}, "instance_id": "r5"}), 409, "instance_exists"
    )
    assert err["message"] == (
        "instance 'r5' is already Running; pick another instance_id or wait for it to finish"
    )
    assert client.started == []


def test_a_start_refused_for_another_reason_is_still_a_500(fns, client):
    client.fail_with = RuntimeError("storage is down")
    status, body, _ = start(fns, client, {"input": {"title": "x"}, "instance_id": "r6"})
    assert status == 500
    assert body["error"]["code"] == "internal_error"


def test_concurrent_starts_with_one_id_on_the_local_host_give_one_run() -> None:
    """Through the real SDK client and store: exactly one 202, every other start a 409."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.api.test_bad_input import SAMPLE_APP, LocalHost, VirtualClock

    body = {"input": {"sku": "A1", "quantity": 50}, "instance_id": "same-id"}
    with LocalHost(SAMPLE_APP, store=":memory:", clock=VirtualClock()) as host:
        with ThreadPoolExecutor(8) as pool:
            replies = list(
                pool.map(lambda _: host.post("/api/graphs/orders/runs", json=body), range(16))
            )
        statuses = sorted(reply.status for reply in replies)
        assert statuses == [202] + [409] * 15, [r.text for r in replies if r.status != 409]
        assert {r.json()["error"]["code"] for r in replies if r.status == 409} == {
            "instance_exists"
        }
        host.wait_until_idle()
        started = [e for e in host.history("same-id") if e["EventType"] == 0]  # ExecutionStarted
        assert len(started) == 1


def test_returned_urls_are_percent_encoded_and_reach_the_run() -> None:
    from tests.api.test_bad_input import SAMPLE_APP, LocalHost, VirtualClock

    with LocalHost(SAMPLE_APP, store=":memory:", clock=VirtualClock()) as host:
        reply = host.post("/api/graphs/counter/runs", json={"input": {}, "instance_id": "a:b@c~d"})
        assert reply.status == 202, reply.text
        links = reply.json()
        assert links["status_url"] == f"{host.base_url}/api/runs/a%3Ab%40c~d"
        assert reply.headers["Location"] == links["status_url"]
        assert links["cancel_url"] == f"{links['status_url']}/cancel"
        host.wait_for_status("a:b@c~d", "Completed")
        assert host.get(links["status_url"]).json()["instance_id"] == "a:b@c~d"
