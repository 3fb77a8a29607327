"""Instance queries page like the extension's: `top`, and `x-ms-continuation-token` both ways."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from azure_functions_durable_graph.local.worker_loop import run_sync
from tests.local.http.test_management_api import FakeEngine, Harness, status

LIST = "/runtime/webhooks/durabletask/instances"
HEADER = "x-ms-continuation-token"


@pytest.fixture
def paged() -> Iterator[Harness]:
    engine = FakeEngine()
    # Same second for several ids: the order must still be total (time, then id).
    for index, instance_id in enumerate(["d", "b", "a", "e", "c"]):
        engine.instances[instance_id] = status(
            instance_id, "Completed", createdTime=f"2025-01-01T00:00:0{index // 2}Z"
        )
    harness = Harness(engine)
    yield harness
    run_sync(harness.server.stop())


def _get(api: Harness, query: str, token: str | None = None) -> tuple[int, Any, str | None]:
    request = urllib.request.Request(f"http://127.0.0.1:{api.server.port}{LIST}?{query}")
    if token is not None:
        request.add_header(HEADER, token)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request) as reply:
            return reply.status, json.loads(reply.read()), reply.headers.get(HEADER)
    except urllib.error.HTTPError as failed:
        return failed.code, json.loads(failed.read()), None


def test_pages_of_top_follow_the_token_through_every_instance_once(paged: Harness) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        code, body, token = _get(paged, "top=2", token)
        assert code == 200
        assert len(body) <= 2
        seen.extend(item["instanceId"] for item in body)
        pages += 1
        if token is None:
            break
    assert pages == 3
    # created 00:00:00 -> b, d; 00:00:01 -> a, e; 00:00:02 -> c
    assert seen == ["b", "d", "a", "e", "c"]


def test_the_last_page_sends_no_token(paged: Harness) -> None:
    code, body, token = _get(paged, "top=5")
    assert code == 200
    assert len(body) == 5
    assert token is None


def test_a_token_this_host_did_not_issue_is_a_400(paged: Harness) -> None:
    code, body, _ = _get(paged, "top=2", token="not-a-token")
    assert code == 400
    assert "is not a continuation token this host issued" in body["Message"]


def test_top_zero_is_a_400(paged: Harness) -> None:
    code, body, _ = _get(paged, "top=0")
    assert code == 400
    assert "top must be a positive integer" in body["Message"]
