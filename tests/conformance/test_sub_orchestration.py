"""Sub-orchestrations: sequential, parallel with chosen ids, retried, and failing."""

from tests.conformance.links import HostFactory, events_of, follow, poll, start_run


def test_parent_collects_children_in_sequence_in_parallel_and_after_retries(
    local_host: HostFactory,
) -> None:
    host = local_host("sub_orchestration")

    links = start_run(host, "/api/orchestrators/parent", ["Paris", "Rome", "Kyiv"])
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == {
        "greetings": ["Hello Paris!", "Hello Rome!", "Hello Kyiv!"],
        "retried": "child succeeded on attempt 3",
    }
    history = host.history(links["id"])
    created = events_of(history, "SubOrchestrationInstanceCreated")
    # 3 greeting children, then the flaky child: 2 failed attempts and the one that succeeded.
    assert [event["Name"] for event in created] == ["greet_city"] * 3 + ["flaky_child"] * 3
    assert len(events_of(history, "SubOrchestrationInstanceFailed")) == 2
    assert len(events_of(history, "SubOrchestrationInstanceCompleted")) == 4


def test_children_with_chosen_ids_are_instances_of_their_own(local_host: HostFactory) -> None:
    host = local_host("sub_orchestration")
    links = start_run(host, "/api/orchestrators/parent", ["Paris", "Rome"])
    poll(links)

    child_url = links["statusQueryGetUri"].replace(links["id"], f"{links['id']}-Rome")
    child = follow(child_url).json()

    assert child["name"] == "greet_city"
    assert child["runtimeStatus"] == "Completed"
    assert child["output"] == "Hello Rome!"


def test_a_failing_child_raises_in_the_parent(local_host: HostFactory) -> None:
    host = local_host("sub_orchestration")

    status = poll(start_run(host, "/api/orchestrators/parent_of_failing_child", {}))

    assert status["runtimeStatus"] == "Completed"
    assert status["output"]["child_failed"] is True
    assert "child attempt 1 failed" in status["output"]["message"]
