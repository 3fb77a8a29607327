"""Human interaction: an approval event races a 72-hour durable timer on the virtual clock."""

from datetime import datetime, timedelta
from typing import Any

from azure_functions_durable_graph.testing import LocalHost
from tests.conformance.links import HostFactory, event_url, events_of, follow, poll, start_run
from tests.helpers import eventually

REQUEST = {"item": "laptop", "manager": "Mia"}


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def _timer_created(host: LocalHost, instance_id: str) -> dict[str, Any]:
    """Wait until the orchestrator has armed its timer, so advancing the clock can fire it."""
    timers = eventually(lambda: events_of(host.history(instance_id), "TimerCreated"))
    assert len(timers) == 1
    return timers[0]


def _episode_time(history: list[dict[str, Any]], event: dict[str, Any]) -> datetime:
    """`current_utc_datetime` of the episode that recorded `event`: its OrchestratorStarted."""
    before = history[: history.index(event)]
    return _parse(events_of(before, "OrchestratorStarted")[-1]["Timestamp"])


def test_approval_before_the_deadline_completes_and_the_timer_never_fires(
    local_host: HostFactory,
) -> None:
    host = local_host("human_interaction", virtual_clock=True)
    links = start_run(host, "/api/orchestrators/approval_workflow", REQUEST)
    _timer_created(host, links["id"])

    reply = follow(event_url(links, "ApprovalEvent"), "POST", {"approved": True, "by": "Mia"})
    status = poll(links)

    assert reply.status == 202
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == "approved by Mia"
    history = host.history(links["id"])
    assert [event["Name"] for event in events_of(history, "EventRaised")] == ["ApprovalEvent"]
    assert events_of(history, "TimerFired") == []


def test_no_answer_within_72_hours_escalates(local_host: HostFactory) -> None:
    host = local_host("human_interaction", virtual_clock=True)
    links = start_run(host, "/api/orchestrators/approval_workflow", REQUEST)
    timer = _timer_created(host, links["id"])
    armed_at = _episode_time(host.history(links["id"]), timer)

    host.advance(timedelta(hours=71, minutes=59))
    assert follow(links["statusQueryGetUri"]).json()["runtimeStatus"] == "Running"
    host.advance(timedelta(minutes=1))
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == "escalated laptop to Mia"
    assert _parse(timer["FireAt"]) - armed_at == timedelta(hours=72)
    assert len(events_of(host.history(links["id"]), "TimerFired")) == 1


def test_an_approval_after_the_timeout_is_refused_with_410(local_host: HostFactory) -> None:
    host = local_host("human_interaction", virtual_clock=True)
    links = start_run(host, "/api/orchestrators/approval_workflow", REQUEST)
    _timer_created(host, links["id"])
    host.advance(timedelta(hours=72))
    poll(links)

    reply = follow(event_url(links, "ApprovalEvent"), "POST", {"approved": True, "by": "Mia"})

    # The extension answers 410 Gone for events sent to a finished instance.
    assert reply.status == 410
    assert poll(links)["output"] == "escalated laptop to Mia"
