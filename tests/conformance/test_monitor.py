"""A continue_as_new monitor: one generation per timer tick until the limit is reached."""

from datetime import timedelta

from tests.conformance.links import HostFactory, events_of, follow, poll, start_run
from tests.helpers import eventually


def test_monitor_continues_as_new_until_the_limit(local_host: HostFactory) -> None:
    host = local_host("monitor", virtual_clock=True)
    start = {"count": 0, "limit": 4, "interval_seconds": 600, "seen": []}
    links = start_run(host, "/api/orchestrators/counter_monitor", start)

    for expected in (1, 2, 3):
        # Each generation reports its count, then sleeps on a 10-minute timer.
        def armed(expected: int = expected) -> bool:
            status = follow(links["statusQueryGetUri"]).json()
            history = host.history(links["id"])
            return status["customStatus"] == {"count": expected} and bool(
                events_of(history, "TimerCreated")
            )

        eventually(armed)
        host.advance(timedelta(minutes=10))

    status = poll(links)
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {"count": 4, "checked_at": [1, 2, 3, 4]}
    assert status["customStatus"] == {"count": 4}
    # The last generation started from the input its predecessor handed over.
    assert status["input"] == {**start, "count": 3, "seen": [1, 2, 3]}
    history = host.history(links["id"])
    assert len(events_of(history, "ExecutionStarted")) == 1
    assert len(events_of(history, "TaskScheduled")) == 1
