"""interrupt() pauses a node; POST /api/runs/{id}/resume answers it (LangGraph's semantics)."""

from __future__ import annotations

from pathlib import Path

from azure_functions_durable_graph.durable.protocol import INBOX_EVENT
from azure_functions_durable_graph.durable.wire import wrap_resume
from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import run_status, start_run, wait_for_run
from tests.durable.reliability import gate, host, post, until

__all__ = ["host"]


def test_a_node_asking_twice_is_resumed_in_order_and_rerun_from_its_start(host: LocalHost):
    links = start_run(host, "interview", {})
    first = until(host, links, lambda run: run["interrupts"])
    (question,) = first["interrupts"]
    assert (question["node"], question["value"]) == ("ask", {"question": "name?"})

    assert post(host, links, "resume", {"resume": "ada"})[0] == 202
    second = until(host, links, lambda run: run["interrupts"] and run["interrupts"] != [question])
    (next_question,) = second["interrupts"]
    assert next_question["value"] == {"question": "age?"}
    assert next_question["id"] != question["id"]

    status, body = post(host, links, "resume", {"resume": {question["id"]: "stale"}})
    assert (status, body["error"]["code"]) == (409, "unknown_interrupt")
    assert post(host, links, "resume", {"resume": 36})[0] == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["answers"] == ["ada", "36"]
    # The node ran three times (each resume re-runs it from its start), as one step.
    assert run["path"] == ["ask"]


def test_parallel_interrupts_are_answered_by_id_and_only_answered_nodes_rerun(host: LocalHost):
    links = start_run(host, "panel", {})
    paused = until(host, links, lambda run: len(run["interrupts"]) == 2)
    by_node = {i["node"]: i for i in paused["interrupts"]}
    assert by_node["legal"]["value"] == "approve legal?"

    status, body = post(host, links, "resume", {"resume": "yes"})
    assert (status, body["error"]["code"]) == (409, "ambiguous_resume")
    assert sorted(body["error"]["details"]["pending"]) == sorted(
        i["id"] for i in paused["interrupts"]
    )

    assert post(host, links, "resume", {"resume": {by_node["legal"]["id"]: "yes"}})[0] == 202
    one_left = until(host, links, lambda run: len(run["interrupts"]) == 1)
    assert one_left["interrupts"][0]["node"] == "finance"
    assert one_left["status"] == "Running"

    assert post(host, links, "resume", {"resume": {by_node["finance"]["id"]: "no"}})[0] == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["answers"] == ["legal=yes", "finance=no"]
    assert run["output"]["runs"] == ["start", "ops", "decide"]
    assert run["path"] == ["start", "legal", "finance", "ops", "decide"]


def test_resume_of_a_running_run_without_interrupts_is_409(host: LocalHost):
    links = start_run(host, "ledger", {})
    until(host, links, lambda run: run["waiting_for"])

    status, body = post(host, links, "resume", {"resume": "yes"})

    assert (status, body["error"]["code"]) == (409, "no_pending_interrupt")


def test_an_answer_the_orchestrator_cannot_match_is_recorded_and_never_applied(host: LocalHost):
    links = start_run(host, "interview", {})
    (question,) = until(host, links, lambda run: run["interrupts"])["interrupts"]

    # What a resume that raced another one looks like when it reaches the run.
    host.raise_event(links["instance_id"], INBOX_EVENT, wrap_resume({"0" * 16: "stale"}))
    rejected = until(host, links, lambda run: run["rejected"])

    assert rejected["rejected"][0]["reason"] == f"no pending interrupt with id {'0' * 16!r}"
    assert rejected["interrupts"] == [question]
    assert post(host, links, "resume", {"resume": "ada"})[0] == 202
    until(host, links, lambda run: run["interrupts"] and run["interrupts"] != [question])
    assert post(host, links, "resume", {"resume": 36})[0] == 202
    assert wait_for_run(host, links)["output"]["answers"] == ["ada", "36"]


def test_resume_after_the_run_finished_is_409(host: LocalHost):
    links = start_run(host, "panel", {})
    until(host, links, lambda run: len(run["interrupts"]) == 2)
    ids = [i["id"] for i in until(host, links, lambda run: run["interrupts"])["interrupts"]]
    for interrupt_id, answer in zip(ids, ("a", "b"), strict=True):
        assert post(host, links, "resume", {"resume": {interrupt_id: answer}})[0] == 202
    wait_for_run(host, links)

    status, body = post(host, links, "resume", {"resume": "late"})

    assert status == 409
    assert body["error"]["code"] == "run_finished"


def test_a_malformed_resume_body_is_400(host: LocalHost):
    links = start_run(host, "interview", {})
    until(host, links, lambda run: run["interrupts"])

    status, body = post(host, links, "resume", {"answer": "ada"})

    assert (status, body["error"]["code"]) == (400, "invalid_body")


def test_an_interrupt_value_too_large_for_the_status_is_elided_and_still_answerable(
    host: LocalHost,
):
    links = start_run(host, "big_question", {})
    (pending,) = until(host, links, lambda run: run["interrupts"])["interrupts"]

    assert pending["value"] == {"elided": True, "bytes": 20_002}
    assert post(host, links, "resume", {"resume": "ok"})[0] == 202
    assert wait_for_run(host, links)["output"]["answers"] == ["ok"]


def test_an_answer_that_arrives_while_another_branch_reruns_is_not_lost(
    host: LocalHost, tmp_path: Path
):
    path, open_gate = gate(tmp_path)
    links = start_run(host, "panel", {"gate": path})
    by_node = {
        i["node"]: i["id"]
        for i in until(host, links, lambda r: len(r["interrupts"]) == 2)["interrupts"]
    }

    assert post(host, links, "resume", {"resume": {by_node["legal"]: "yes"}})[0] == 202
    until(host, links, lambda run: [i["node"] for i in run["interrupts"]] == ["finance"])
    # legal's re-run is held by the gate: finance's answer reaches the run meanwhile.
    assert post(host, links, "resume", {"resume": {by_node["finance"]: "no"}})[0] == 202
    open_gate()
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["answers"] == ["legal=yes", "finance=no"]


def test_an_answer_model_refuses_bad_answers_with_422_and_the_run_keeps_waiting(
    host: LocalHost,
):
    links = start_run(host, "approval_form", {})
    (question,) = until(host, links, lambda run: run["interrupts"])["interrupts"]

    # The inspector used to pre-fill `true`; a key that is no interrupt id is no answer either.
    for bad in (True, {"wrong-id": 1}, {question["id"]: {"approved": "maybe"}}):
        status, body = post(host, links, "resume", {"resume": bad})
        assert (status, body["error"]["code"]) == (422, "validation_error"), bad
        assert question["id"] in body["error"]["message"]
        assert body["error"]["details"][0]["loc"] in (["approved"], [])
    still = run_status(host, links)
    assert (still["status"], still["interrupts"]) == ("Running", [question])

    assert post(host, links, "resume", {"resume": {"approved": True, "note": "ok"}})[0] == 202
    run = wait_for_run(host, links)
    assert run["status"] == "Completed", run["error"]
    assert run["output"]["answers"] == ["approved=True note=ok"]


def test_the_manifest_publishes_the_answer_schema(host: LocalHost):
    manifest = host.get("/api/graphs/approval_form").json()
    assert manifest["nodes"]["ask"]["answer_model"] == "Approval"
    schema = manifest["answer_schemas"]["ask"]
    assert schema["required"] == ["approved"]
