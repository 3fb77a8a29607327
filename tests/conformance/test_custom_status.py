"""Custom status is visible to pollers while the orchestrator runs, and kept when it ends."""

from typing import Any

from tests.conformance.links import HostFactory, event_url, follow, poll, start_run
from tests.helpers import eventually


def _custom_status(links: dict[str, str], stage: str) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        reply = follow(links["statusQueryGetUri"])
        custom = reply.json()["customStatus"]
        return reply.json() if custom and custom["stage"] == stage else None

    return eventually(reached)


def test_pollers_follow_the_stages_of_a_run(local_host: HostFactory) -> None:
    host = local_host("custom_status")
    links = start_run(host, "/api/orchestrators/staged_review")

    collecting = _custom_status(links, "collecting")
    assert collecting["runtimeStatus"] == "Running"
    assert collecting["customStatus"] == {"stage": "collecting", "progress": 0}
    assert follow(links["statusQueryGetUri"]).status == 202

    follow(event_url(links, "collected"), "POST", {"text": "draft one"})
    reviewing = _custom_status(links, "reviewing")
    assert reviewing["runtimeStatus"] == "Running"
    expected = {"stage": "reviewing", "progress": 90, "summary": "DRAFT ONE"}
    assert reviewing["customStatus"] == expected

    follow(event_url(links, "reviewed"), "POST", "lgtm")
    status = poll(links)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {"summary": "DRAFT ONE", "verdict": "lgtm"}
    assert status["customStatus"] == {"stage": "done", "progress": 100}
