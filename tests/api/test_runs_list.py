"""GET /api/runs over HTTP on the local host: filters, paging with continuation tokens, errors.

The handler sends the Durable instance query itself (top + x-ms-continuation-token), so
these tests also check the local host's management API pages the way the extension does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest

from tests.api.local_apps import FEATURES_APP, serve, start_run, wait_for_run, wait_until_waiting
from tests.helpers import unique_id


def _list(host: Any, query: str = "") -> dict[str, Any]:
    response = host.get(f"/api/runs{query}")
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _ids(page: dict[str, Any]) -> set[str]:
    return {run["instance_id"] for run in page["runs"]}


@pytest.fixture(scope="module")
def host() -> Any:
    with serve(FEATURES_APP) as running:
        yield running


@pytest.fixture(scope="module")
def runs(host: Any) -> dict[str, list[str]]:
    done = []
    for n in range(3):
        links = start_run(host, "my_graph", {"message": f"m{n}"}, instance_id=unique_id("done"))
        wait_for_run(host, links, "Completed")
        done.append(links["instance_id"])
    waiting = start_run(host, "approvals", {"amount": 500}, instance_id=unique_id("wait"))
    wait_until_waiting(host, waiting, "manager_approval")
    return {"done": done, "waiting": [waiting["instance_id"]]}


def test_lists_graph_runs_with_their_graph_status_and_current_node(
    host: Any, runs: dict[str, list[str]]
) -> None:
    page = _list(host)
    by_id = {run["instance_id"]: run for run in page["runs"]}
    assert set(runs["done"]) | set(runs["waiting"]) <= set(by_id)
    done = by_id[runs["done"][0]]
    assert done["graph_name"] == "my_graph"
    assert done["status"] == "Completed"
    assert done["current_node"] == "finalize"
    assert "output" not in done
    assert done["created_at"] and done["updated_at"]
    waiting = by_id[runs["waiting"][0]]
    assert waiting["status"] == "Running"
    assert waiting["waiting_for"]["event_name"] == "manager_approval"
    assert page["continuation_token"] is None


def test_filters_by_graph_and_status(host: Any, runs: dict[str, list[str]]) -> None:
    assert _ids(_list(host, "?graph=approvals")) == set(runs["waiting"])
    assert _ids(_list(host, "?status=Running")) == set(runs["waiting"])
    assert _ids(_list(host, "?graph=my_graph&status=Completed")) == set(runs["done"])
    assert _ids(_list(host, "?graph=no_such_graph")) == set()


def test_filters_by_created_time_range(host: Any, runs: dict[str, list[str]]) -> None:
    future = quote((datetime.now(timezone.utc) + timedelta(days=1)).isoformat())
    past = quote((datetime.now(timezone.utc) - timedelta(days=1)).isoformat())
    assert _ids(_list(host, f"?created_from={future}")) == set()
    assert len(_ids(_list(host, f"?created_from={past}&created_to={future}"))) == 4
    assert _ids(_list(host, f"?created_to={past}")) == set()


def test_pages_follow_the_continuation_token_to_every_run_once(
    host: Any, runs: dict[str, list[str]]
) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        query = "?page_size=2" + (f"&continuation_token={quote(token)}" if token else "")
        page = _list(host, query)
        assert len(page["runs"]) <= 2
        seen.extend(run["instance_id"] for run in page["runs"])
        pages += 1
        token = page["continuation_token"]
        if token is None:
            break
    assert pages >= 2
    assert sorted(seen) == sorted(runs["done"] + runs["waiting"])


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("?status=Sleeping", "not a run status"),
        ("?page_size=0", "page_size"),
        ("?page_size=abc", "page_size"),
        ("?created_from=yesterday", "ISO 8601"),
        ("?colour=red", "unknown query parameters"),
        ("?continuation_token=a%0Db", "printable token"),
        # The schema's enum and formats: what it forbids, the server refuses.
        ("?status=running", "not a run status"),
        ("?status=Running,%20Failed", "not a run status"),
        ("?status=", "empty"),
        ("?created_from=", "empty"),
        ("?graph=", "empty"),
    ],
)
def test_bad_queries_are_400_with_the_error_body(host: Any, query: str, fragment: str) -> None:
    response = host.get(f"/api/runs{query}")
    assert response.status == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert fragment in error["message"]


def test_a_token_no_page_has_is_404_page_not_found(host: Any) -> None:
    response = host.get("/api/runs?continuation_token=not-a-token")
    assert response.status == 404, response.text
    assert response.json()["error"]["code"] == "page_not_found"


@pytest.mark.parametrize(
    "time",
    ["0143-07-17T11:54:53%2B05:25", "0001-01-01T00:00:00%2B05:00", "9999-12-31T23:59:59-05:00"],
)
def test_times_at_the_ends_of_the_calendar_are_served(host: Any, time: str) -> None:
    assert host.get(f"/api/runs?created_from={time}").status == 200
    assert host.get(f"/api/runs?created_to={time}").status == 200
