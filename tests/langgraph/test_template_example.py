"""The LangGraph example meant for the template's graphs/: a review loop paused by
interrupt() and resumed over HTTP until approved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually

APP = Path(__file__).parent / "apps" / "template_example"


def status(host: LocalHost, instance_id: str) -> dict[str, Any]:
    body: dict[str, Any] = host.get(f"/api/runs/{instance_id}").json()
    return body


def wait_for_review_of(host: LocalHost, instance_id: str, draft: str) -> dict[str, Any]:
    """Wait until the run pauses in `review` showing `draft`; return that interrupt."""

    def paused() -> dict[str, Any] | None:
        interrupts = status(host, instance_id).get("interrupts") or []
        return next((i for i in interrupts if i["value"]["draft"] == draft), None)

    return eventually(paused)


def resume(host: LocalHost, instance_id: str, answer: dict[str, Any]) -> None:
    response = host.post(f"/api/runs/{instance_id}/resume", json={"resume": answer})
    assert response.status == 202, response.text


def test_the_essay_is_revised_until_the_reviewer_approves_it() -> None:
    with LocalHost(APP, store=":memory:") as host:
        body = {"input": {"topic": "durability"}}
        started = host.post("/api/graphs/essay_review/runs", json=body)
        assert started.status == 202, started.text
        instance_id = started.json()["instance_id"]

        first = wait_for_review_of(host, instance_id, "An essay on durability.")
        assert (first["node"], first["value"]["question"]) == ("review", "Approve this draft?")
        resume(host, instance_id, {"approved": False, "comment": "Shorter"})
        wait_for_review_of(host, instance_id, "An essay on durability. (revised: Shorter)")
        resume(host, instance_id, {"approved": True})

        run = eventually(lambda: (r := status(host, instance_id))["status"] == "Completed" and r)
        assert run["output"] == {
            "topic": "durability",
            "draft": "An essay on durability. (revised: Shorter)",
            "comments": ["Shorter"],
            "approved": True,
        }
