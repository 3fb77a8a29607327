"""task_any: the first task to finish wins; the losers do not keep the instance open."""

from tests.conformance.links import HostFactory, event_url, events_of, follow, poll, start_run


def test_first_event_to_arrive_wins(local_host: HostFactory) -> None:
    host = local_host("race")
    links = start_run(host, "/api/orchestrators/first_event_wins")
    poll(links, "Running")

    assert follow(event_url(links, "right"), "POST", {"lap": 1}).status == 202
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {"winner": "right", "value": {"lap": 1}}


def test_activity_beats_a_one_hour_deadline_and_the_timer_is_cancelled(
    local_host: HostFactory,
) -> None:
    # The virtual clock never moves here: the run can only finish if the activity
    # wins and the cancelled timer does not hold the instance open.
    host = local_host("race", virtual_clock=True)

    links = start_run(host, "/api/orchestrators/activity_before_deadline", 4)
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {"result": 40}
    history = host.history(links["id"])
    assert len(events_of(history, "TimerCreated")) == 1
    assert events_of(history, "TimerFired") == []
