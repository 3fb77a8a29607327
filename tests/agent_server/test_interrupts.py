"""interrupt() and Command(resume=...) through LangGraph's client, on one durable instance."""

from __future__ import annotations

from langgraph_sdk.client import SyncLangGraphClient

QUESTION = {"question": "approve?", "draft": "a draft about owls"}


def test_an_interrupt_pauses_the_thread_and_a_resume_finishes_the_run(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create()["thread_id"]

    paused = client.runs.wait(thread_id, "reviewer", input={"topic": "owls"})

    assert paused["draft"] == "a draft about owls"
    assert [i["value"] for i in paused["__interrupt__"]] == [QUESTION]
    thread = client.threads.get(thread_id)
    assert thread["status"] == "interrupted"
    [(task_id, interrupts)] = thread["interrupts"].items()
    state = client.threads.get_state(thread_id)
    assert state["next"] == ["review"]
    assert state["tasks"][0]["id"] == task_id
    assert state["tasks"][0]["name"] == "review"
    assert state["tasks"][0]["interrupts"] == interrupts == state["interrupts"]

    done = client.runs.wait(thread_id, "reviewer", command={"resume": "yes"})

    assert done == {
        "topic": "owls",
        "draft": "a draft about owls [reviewer said yes]",
        "verdict": "reviewer said yes",
    }
    assert client.threads.get(thread_id)["status"] == "idle"
    runs = client.runs.list(thread_id)
    assert [r["status"] for r in runs] == ["success", "success"]
    assert runs[0]["kwargs"]["command"] == {"resume": "yes"}


def test_a_resume_answers_an_interrupt_by_its_id(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]
    paused = client.runs.wait(thread_id, "reviewer", input={"topic": "owls"})
    interrupt_id = paused["__interrupt__"][0]["id"]

    done = client.runs.wait(thread_id, "reviewer", command={"resume": {interrupt_id: "by id"}})

    assert done["verdict"] == "reviewer said by id"


def test_a_command_sent_with_an_input_replaces_it_as_langgraph_does(
    client: SyncLangGraphClient,
) -> None:
    """Agent Chat UI resumes with `submit({}, {command: {resume}})`: input `{}` and a command."""
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "reviewer", input={"topic": "owls"})

    done = client.runs.wait(thread_id, "reviewer", input={}, command={"resume": "yes"})

    assert done["verdict"] == "reviewer said yes"
    assert client.runs.list(thread_id)[0]["kwargs"]["input"] == {}


def test_a_resume_with_nothing_interrupted_is_a_failed_run(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    answer = client.runs.wait(thread_id, "reviewer", command={"resume": "yes"}, raise_error=False)

    assert answer["__error__"]["error"] == "InvalidUpdateError"
    assert client.runs.list(thread_id)[0]["status"] == "error"


def test_new_input_on_an_interrupted_thread_starts_over_from_its_values(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "reviewer", input={"topic": "owls"})

    again = client.runs.wait(thread_id, "reviewer", input={"topic": "bats"})

    assert again["draft"] == "a draft about bats"
    assert [i["value"]["draft"] for i in again["__interrupt__"]] == ["a draft about bats"]
    done = client.runs.wait(thread_id, "reviewer", command={"resume": "ok"})
    assert done["verdict"] == "reviewer said ok"
