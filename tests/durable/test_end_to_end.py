"""A graph service on the local Durable host, driven over real HTTP: start, poll, event, cancel."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually, unique_id

FUNCTION_APP = textwrap.dedent(
    """
    import azure.functions as func
    from pydantic import BaseModel

    from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision


    class Expense(BaseModel):
        amount: int
        approved: bool | None = None
        outcome: str = ""


    def route_after_classify(state: Expense) -> RouteDecision:
        if state.amount > 100:
            return RouteDecision.wait_for_event(
                event_name="manager_approval", resume_node="apply_decision"
            )
        return RouteDecision.next("apply_decision")


    async def merge_approval(state: Expense, payload: dict) -> dict:
        return {"approved": payload["approved"]}


    def explode(state: Expense) -> dict:
        raise RuntimeError("ledger offline")


    builder = ManifestBuilder(graph_name="expenses", state_model=Expense)
    builder.set_entrypoint("classify")
    builder.add_node("classify", lambda s: None, route=route_after_classify)
    builder.add_node(
        "apply_decision",
        lambda s: {"outcome": "paid" if s.approved or s.amount <= 100 else "rejected"},
        terminal=True,
    )
    builder.add_event_handler("manager_approval", merge_approval)

    failing = ManifestBuilder(graph_name="failing", state_model=Expense)
    failing.set_entrypoint("explode")
    failing.add_node("explode", explode, terminal=True)

    app = func.FunctionApp()


    @app.route(route="hello", auth_level=func.AuthLevel.ANONYMOUS)
    def hello(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("hello")


    runtime = DurableGraphApp(app)
    runtime.register_registration(builder.build())
    runtime.register_registration(failing.build())
    """
)

pytestmark = pytest.mark.slow


@pytest.fixture
def host(tmp_path: Path):
    (tmp_path / "function_app.py").write_text(FUNCTION_APP)
    with LocalHost(tmp_path, store=":memory:") as running:
        yield running


def run_status(host: LocalHost, url: str) -> dict:
    response = host.get(url)
    assert response.status == 200, response.text
    return response.json()


def test_start_wait_for_event_and_complete(host: LocalHost):
    assert host.get("/api/hello").text == "hello"  # the user's own function still works

    started = host.post("/api/graphs/expenses/runs", json={"input": {"amount": 500}})
    assert started.status == 202, started.text
    links = started.json()
    assert started.headers["Location"] == links["status_url"]

    waiting = eventually(lambda: (s := run_status(host, links["status_url"]))["waiting_for"] and s)
    assert waiting["status"] == "Running"
    assert waiting["current_node"] == "classify"
    assert waiting["waiting_for"] == {
        "event_name": "manager_approval",
        "resume_node": "apply_decision",
    }

    unknown = host.post(links["events_url"].format(event_name="nope"), json={})
    assert unknown.status == 400
    assert unknown.json()["error"]["code"] == "unknown_event"

    sent = host.post(
        links["events_url"].format(event_name="manager_approval"), json={"approved": True}
    )
    assert sent.status == 202, sent.text

    done = eventually(
        lambda: (s := run_status(host, links["status_url"]))["status"] == "Completed" and s
    )
    assert done["output"] == {"amount": 500, "approved": True, "outcome": "paid"}
    assert (done["current_node"], done["step"], done["waiting_for"]) == ("apply_decision", 2, None)

    late = host.post(links["events_url"].format(event_name="manager_approval"), json={})
    assert late.status == 409


def test_cancel_a_waiting_run(host: LocalHost):
    instance_id = unique_id("cancel")
    started = host.post(
        "/api/graphs/expenses/runs", json={"input": {"amount": 900}, "instance_id": instance_id}
    )
    assert started.status == 202, started.text
    links = started.json()
    eventually(lambda: run_status(host, links["status_url"])["waiting_for"])

    again = host.post(
        "/api/graphs/expenses/runs", json={"input": {"amount": 1}, "instance_id": instance_id}
    )
    assert again.status == 409

    cancelled = host.post(links["cancel_url"], json={"reason": "duplicate"})
    assert cancelled.status == 202, cancelled.text
    final = eventually(
        lambda: (s := run_status(host, links["status_url"]))["status"] == "Terminated" and s
    )
    assert final["waiting_for"] is None
    assert host.post(links["cancel_url"]).status == 409


def test_failed_run_reports_the_node_and_exception(host: LocalHost):
    links = host.post("/api/graphs/failing/runs", json={"input": {"amount": 1}}).json()
    failed = eventually(
        lambda: (s := run_status(host, links["status_url"]))["status"] == "Failed" and s
    )
    assert failed["error"] == "Graph 'failing', node 'explode' raised RuntimeError: ledger offline"


def test_bad_requests_over_http(host: LocalHost):
    assert host.post("/api/graphs/expenses/runs", data="{oops").status == 400
    invalid = host.post("/api/graphs/expenses/runs", json={"input": {"amount": "lots"}})
    assert invalid.status == 422
    assert invalid.json()["error"]["details"][0]["loc"] == ["amount"]
    assert host.get("/api/runs/ghost").status == 404
    assert host.get("/api/graphs/nope").status == 404
    health = host.get("/api/health").json()
    assert [g["graph_name"] for g in health["graphs"]] == ["expenses", "failing"]
    assert host.get("/api/openapi.json").json()["openapi"] == "3.1.0"
