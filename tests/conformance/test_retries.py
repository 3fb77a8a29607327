"""call_activity_with_retry: recover within the attempts, or hand the failure to the code."""

from datetime import timedelta

from tests.conformance.links import HostFactory, events_of, follow, poll, start_run
from tests.helpers import eventually


def test_an_activity_that_fails_twice_succeeds_on_the_third_attempt(
    local_host: HostFactory,
) -> None:
    host = local_host("retries")

    links = start_run(host, "/api/orchestrators/retry_until_success", {"failures": 2})
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {"attempts": 3}
    history = host.history(links["id"])
    assert len(events_of(history, "TaskScheduled")) == 3
    assert len(events_of(history, "TaskFailed")) == 2
    # The extension waits on one durable timer after each failed attempt.
    assert len(events_of(history, "TimerCreated")) == 2


def test_an_activity_that_always_fails_surfaces_its_error_to_the_orchestrator(
    local_host: HostFactory,
) -> None:
    host = local_host("retries")

    links = start_run(host, "/api/orchestrators/retry_exhausted", "order-7")
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"]["failed"] is True
    message = status["output"]["message"]
    assert "Activity function 'always_fails' failed" in message
    assert "ValueError: order-7 is never accepted" in message
    history = host.history(links["id"])
    assert len(events_of(history, "TaskScheduled")) == 2
    assert len(events_of(history, "TaskFailed")) == 2


def test_the_retry_interval_is_a_durable_timer_on_the_hosts_clock(local_host: HostFactory) -> None:
    host = local_host("retries", virtual_clock=True)
    links = start_run(host, "/api/orchestrators/retry_hourly", {})

    # The first attempt failed; the second waits for a one-hour timer the clock has not reached.
    eventually(lambda: events_of(host.history(links["id"]), "TimerCreated"))
    host.advance(timedelta(minutes=59))
    assert follow(links["statusQueryGetUri"]).json()["runtimeStatus"] == "Running"
    assert len(events_of(host.history(links["id"]), "TaskScheduled")) == 1
    host.advance(timedelta(minutes=1))
    status = poll(links)

    assert status["output"] == {"attempts": 2}
    assert len(events_of(host.history(links["id"]), "TaskScheduled")) == 2
