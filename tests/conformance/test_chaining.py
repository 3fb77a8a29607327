"""Function chaining through the app's starter, the real client and the management links."""

from tests.conformance.links import HostFactory, events_of, follow, poll, start_run


def test_chain_passes_each_result_on_and_schedules_one_task_per_activity(
    local_host: HostFactory,
) -> None:
    host = local_host("chaining")

    links = start_run(host, "/api/orchestrators/hello_chain", ["Tokyo", "Seattle"])
    status = poll(links)

    assert status["runtimeStatus"] == "Completed"
    assert status["name"] == "hello_chain"
    assert status["input"] == ["Tokyo", "Seattle"]
    # "Bonjour" comes from local.settings.json, exported as an environment variable.
    assert status["output"] == {
        "greetings": ["Bonjour Tokyo!", "Bonjour Seattle!"],
        "summary": "Bonjour Tokyo! Bonjour Seattle!",
    }
    history = host.history(links["id"])
    scheduled = [event["Name"] for event in events_of(history, "TaskScheduled")]
    assert scheduled == ["say_hello", "say_hello", "join_greetings"]
    assert len(events_of(history, "TaskCompleted")) == 3
    assert len(events_of(history, "ExecutionStarted")) == 1


def test_check_status_links_point_at_the_app_port_and_answer_200_when_done(
    local_host: HostFactory,
) -> None:
    host = local_host("chaining")

    links = start_run(host, "/api/orchestrators/hello_chain")
    poll(links)
    reply = follow(links["statusQueryGetUri"])

    assert links["statusQueryGetUri"].startswith(f"{host.base_url}/runtime/webhooks/durabletask/")
    assert links["id"] in links["statusQueryGetUri"]
    assert reply.status == 200
    assert reply.json()["output"]["summary"] == "Bonjour Tokyo! Bonjour Seattle! Bonjour London!"


def test_status_query_with_show_history_summarizes_the_history(local_host: HostFactory) -> None:
    host = local_host("chaining")
    links = start_run(host, "/api/orchestrators/hello_chain", ["Oslo"])
    poll(links)

    reply = follow(links["statusQueryGetUri"] + "&showHistory=true&showInput=false")

    # The extension's summary: one TaskCompleted per activity (its TaskScheduled folded in),
    # no OrchestratorStarted/Completed bookkeeping.
    events = reply.json()["historyEvents"]
    assert reply.status == 200
    assert reply.json()["input"] is None
    assert [event["EventType"] for event in events] == [
        "ExecutionStarted",
        "TaskCompleted",
        "TaskCompleted",
        "ExecutionCompleted",
    ]
    assert [event["FunctionName"] for event in events[:3]] == [
        "hello_chain",
        "say_hello",
        "join_greetings",
    ]


def test_wait_for_completion_answers_with_the_output(local_host: HostFactory) -> None:
    host = local_host("chaining")

    reply = host.post("/api/start-and-wait/hello_chain", json=["Lima"])

    assert reply.status == 200
    assert reply.json() == {"greetings": ["Bonjour Lima!"], "summary": "Bonjour Lima!"}
