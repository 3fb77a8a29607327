"""Fan-out/fan-in with task_all: results keep the order of the tasks, not of completion."""

from tests.conformance.links import HostFactory, events_of, poll, start_run


def test_fan_out_runs_one_activity_per_item_and_aggregates_in_order(
    local_host: HostFactory,
) -> None:
    host = local_host("fan_out_fan_in")

    links = start_run(host, "/api/orchestrators/fan_out_fan_in", 12)
    status = poll(links)

    squares = [n * n for n in range(1, 13)]
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {"squares": squares, "total": sum(squares)}
    scheduled = [event["Name"] for event in events_of(host.history(links["id"]), "TaskScheduled")]
    assert scheduled == ["get_work_items", *["square"] * 12, "total"]


def test_fan_out_over_no_items_completes_with_an_empty_list(local_host: HostFactory) -> None:
    host = local_host("fan_out_fan_in")

    status = poll(start_run(host, "/api/orchestrators/fan_out_fan_in", 0))

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {"squares": [], "total": 0}
