"""durable/protocol.py: the one reader of activity results, and the names per engine."""

from __future__ import annotations

import pytest

from azure_functions_durable_graph.durable.protocol import (
    ENGINE_V1,
    ENGINE_V2,
    INBOX_EVENT,
    Applied,
    Failed,
    Interrupted,
    Rejected,
    RunInput,
    TaskDone,
    durable_event_name,
    failure,
    parse_result,
)
from azure_functions_durable_graph.errors import GraphRunFailed


def test_each_result_kind_parses_to_its_outcome() -> None:
    step = {"ok": True, "set": {"a": 1}, "unset": ["b"], "targets": [{"node": "n"}]}
    assert parse_result(step) == Applied({"a": 1}, ["b"], [{"node": "n"}], None)
    assert parse_result({"ok": True, "update": {"a": 1}, "goto": []}) == TaskDone({"a": 1}, [])
    pause = {"ok": False, "interrupt": {"value": "q?", "index": 2}}
    assert parse_result(pause) == Interrupted("q?", 2)
    error = {"type": "ValueError", "message": "boom", "node": "n"}
    assert parse_result({"ok": False, "error": error, "retryable": True}) == Failed(error, True)
    assert parse_result({"ok": False, "rejected": True, "error": error}) == Rejected(error)


def test_a_result_that_is_not_one_fails_the_run() -> None:
    with pytest.raises(GraphRunFailed, match="unexpected activity result") as caught:
        parse_result("not a result")
    assert caught.value.error_type == "InvalidActivityResult"


def test_failure_carries_the_activity_error() -> None:
    exc = failure({"type": "KeyError", "message": "'x'"})
    assert (exc.error_type, str(exc)) == ("KeyError", "'x'")
    assert failure({}, "raw").error_type == "Error"


def test_each_engine_names_its_durable_event() -> None:
    assert durable_event_name(ENGINE_V2, "approve") == INBOX_EVENT
    assert durable_event_name(ENGINE_V1, "approve") == "approve"


def test_a_0_1_0_input_is_engine_1() -> None:
    run = RunInput.parse('{"graph_name": "g", "graph_hash": "h", "state": {}}')
    assert run.engine == ENGINE_V1
    assert "engine" not in run.to_dict()
