"""Human approval with a timeout, end to end: real HTTP into the local host on a virtual clock.

The graph is "timed_approvals" in tests/api/apps/features/function_app.py: classify
waits up to 72 hours for manager_approval, then continues at escalate.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import jsonschema
import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import (
    FEATURES_APP,
    run_status,
    send_event,
    serve,
    start_run,
    wait_for_run,
    wait_until_waiting,
)

pytestmark = pytest.mark.slow

TIMER_CREATED, TIMER_FIRED, TASK_SCHEDULED = 10, 11, 4  # DTFx EventType codes


@pytest.fixture
def host() -> Iterator[LocalHost]:
    with serve(FEATURES_APP) as running:
        yield running


def event_types(host: LocalHost, links: dict) -> list[int]:
    return [e["EventType"] for e in host.history(links["instance_id"])]


def scheduled(host: LocalHost, links: dict) -> list[str]:
    history = host.history(links["instance_id"])
    return [e["Name"] for e in history if e["EventType"] == TASK_SCHEDULED]


def test_waiting_for_shows_the_timeout_node_and_the_deadline(host: LocalHost):
    links = start_run(host, "timed_approvals", {"amount": 500})

    run = wait_until_waiting(host, links, "manager_approval")

    deadline = datetime.fromisoformat(run["waiting_for"]["deadline"])
    assert run["waiting_for"] == {
        "event_name": "manager_approval",
        "resume_node": "apply_decision",
        "timeout_node": "escalate",
        "deadline": deadline.isoformat(),
    }
    assert deadline.utcoffset() == timedelta(0)
    # the virtual clock has not moved: the deadline is 72 hours after the run began
    waited_from = datetime.fromisoformat(run["created_at"])
    assert timedelta(hours=72) <= deadline - waited_from < timedelta(hours=72, seconds=1)
    components = host.get("/api/openapi.json").json()["components"]
    jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/Run", "components": components}
    ).validate(run)


def test_an_approval_in_time_resumes_and_cancels_the_timer(host: LocalHost):
    links = start_run(host, "timed_approvals", {"amount": 500})
    wait_until_waiting(host, links, "manager_approval")
    host.advance(timedelta(hours=71))

    assert send_event(host, links, "manager_approval", {"approved": True}) == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["path"] == ["classify", "apply_decision"]
    assert run["output"]["approver"] == "manager"
    assert run["output"]["outcome"] == "paid"
    # the timer was created, then cancelled: passing its deadline fires nothing
    host.advance(timedelta(hours=2))
    assert TIMER_CREATED in event_types(host, links)
    assert TIMER_FIRED not in event_types(host, links)
    assert run_status(host, links)["output"] == run["output"]


def test_no_approval_by_the_deadline_continues_at_the_timeout_node(host: LocalHost):
    links = start_run(host, "timed_approvals", {"amount": 500})
    waiting = wait_until_waiting(host, links, "manager_approval")

    host.advance(timedelta(hours=71, minutes=59))
    still = run_status(host, links)
    assert (still["status"], still["waiting_for"]) == ("Running", waiting["waiting_for"])

    host.advance(timedelta(minutes=1))
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["path"] == ["classify", "escalate"]
    assert run["output"] == {
        "amount": 500,
        "to_director": False,
        "approved": None,
        "approver": "",
        "outcome": "escalated",
    }
    assert TIMER_FIRED in event_types(host, links)
    assert "durable_graph_apply_event" not in scheduled(host, links)


def test_an_approval_after_the_timeout_of_a_finished_run_is_refused(host: LocalHost):
    links = start_run(host, "timed_approvals", {"amount": 500})
    wait_until_waiting(host, links, "manager_approval")
    host.advance(timedelta(hours=72))
    assert wait_for_run(host, links)["status"] == "Completed"

    late = host.post(
        links["events_url"].format(event_name="manager_approval"), json={"approved": True}
    )

    assert late.status == 409
    assert late.json()["error"]["code"] == "run_finished"
    assert run_status(host, links)["output"]["approved"] is None


def test_an_approval_after_the_timeout_is_not_applied_to_a_run_that_moved_on(host: LocalHost):
    links = start_run(host, "timed_approvals", {"amount": 500, "to_director": True})
    wait_until_waiting(host, links, "manager_approval")
    host.advance(timedelta(hours=72))
    escalated = wait_until_waiting(host, links, "director_approval")
    assert escalated["current_node"] == "escalate"
    assert escalated["waiting_for"] == {
        "event_name": "director_approval",
        "resume_node": "apply_decision",
    }

    # The run is still running, so the late event is accepted, but nothing waits for it.
    assert send_event(host, links, "manager_approval", {"approved": True}) == 202
    assert send_event(host, links, "director_approval", {"approved": False}) == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["path"] == ["classify", "escalate", "apply_decision"]
    assert (run["output"]["approver"], run["output"]["approved"]) == ("director", False)
    applied = [
        json.loads(e["Input"])["event_name"]
        for e in host.history(links["instance_id"])
        if e["EventType"] == TASK_SCHEDULED and e["Name"] == "durable_graph_event"
    ]
    assert applied == ["director_approval"]
