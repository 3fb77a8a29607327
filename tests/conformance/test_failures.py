"""Failures: the `$OutOfProcData$` path, uncaught activity errors, unknown orchestrators."""

from tests.conformance.links import HostFactory, events_of, poll, start_run


def test_an_orchestrator_that_raises_fails_with_its_message(local_host: HostFactory) -> None:
    host = local_host("failures")

    links = start_run(host, "/api/orchestrators/raises_after_activity", "A-1")
    status = poll(links)

    assert status["runtimeStatus"] == "Failed"
    assert "Orchestrator function 'raises_after_activity' failed" in status["output"]
    assert "cannot finish order A-1" in status["output"]
    history = host.history(links["id"])
    assert len(events_of(history, "TaskCompleted")) == 1
    # As in DTFx, a failure ends the history with ExecutionCompleted, status Failed.
    [completed] = events_of(history, "ExecutionCompleted")
    assert completed["OrchestrationStatus"] == "Failed"


def test_an_uncaught_activity_failure_fails_the_orchestrator(local_host: HostFactory) -> None:
    host = local_host("failures")

    status = poll(start_run(host, "/api/orchestrators/uncaught_activity_failure", "B-2"))

    assert status["runtimeStatus"] == "Failed"
    assert "Orchestrator function 'uncaught_activity_failure' failed" in status["output"]
    assert "Activity function 'explode' failed" in status["output"]
    assert "no stock for B-2" in status["output"]


def test_starting_an_unknown_orchestrator_is_refused(local_host: HostFactory) -> None:
    host = local_host("failures")

    reply = host.post("/api/orchestrators/no_such_orchestrator")

    assert reply.status == 400
    assert "no_such_orchestrator" in reply.text
