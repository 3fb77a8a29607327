"""Every row of the bad-input table against the sample app on a real socket.

Each bad request gets its documented status and code, and the one error shape
`{"error": {"code", "message", "details"}}`, with user text cut and escaped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from azure_functions_durable_graph.testing import LocalHost, VirtualClock
from tests.api.bad_input_table import DONE, ROWS, WAITING, Row, markdown_table

SAMPLE_APP = Path(__file__).parent / "apps" / "sample"
DOCS = Path(__file__).parents[2] / "docs" / "reliability.md"


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(SAMPLE_APP, store=":memory:", clock=VirtualClock()) as host:
        waiting = {"input": {"sku": "A1", "quantity": 50}, "instance_id": WAITING}
        assert host.post("/api/graphs/orders/runs", json=waiting).status == 202
        done = {"input": {}, "instance_id": DONE}
        assert host.post("/api/graphs/counter/runs", json=done).status == 202
        host.wait_for_status(DONE, "Completed")
        host.wait_until_idle()
        assert host.get(f"/api/runs/{WAITING}").json()["waiting_for"]["event_name"] == "approval"
        yield host


@pytest.mark.parametrize("row", ROWS, ids=[row.case for row in ROWS])
def test_bad_input_row(host: LocalHost, row: Row) -> None:
    reply = host.request(row.method, row.path, data=row.body, headers=row.headers)
    assert reply.status == row.status, reply.text[:500]
    assert reply.headers.get_content_type() == "application/json"
    error = reply.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == row.code
    assert isinstance(error["message"], str)
    assert len(error["message"]) < 400, "user text is cut in messages"
    assert "\0" not in error["message"] and "\n" not in error["message"]


def test_the_runs_the_table_relies_on_are_untouched(host: LocalHost) -> None:
    """The rows are refusals: the waiting run still waits, the finished one stays so."""
    assert host.get(f"/api/runs/{WAITING}").json()["status"] == "Running"
    assert host.get(f"/api/runs/{DONE}").json()["status"] == "Completed"


def test_docs_show_the_same_table() -> None:
    assert markdown_table() in DOCS.read_text(encoding="utf-8")
