"""Parsing OrchestratorState produced by the real SDK."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import azure.durable_functions as df
import pytest

from azure_functions_durable_graph.local import history as h
from azure_functions_durable_graph.local.actions import ActionType, parse_state, split_failure
from azure_functions_durable_graph.local.episode import episode_payload
from azure_functions_durable_graph.local.errors import OrchestratorProtocolError

AT = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _first_episode(fn: Any) -> str:
    """Run the first episode of `fn` through the SDK; return its answer (or raised message)."""
    history = [
        h.orchestrator_started(AT),
        h.execution_started(AT, name="o", input_json="null", instance_id="i", execution_id="e"),
    ]
    payload = episode_payload(
        instance_id="i", input_json="null", parent_instance_id=None, history=history
    )
    try:
        return str(df.Orchestrator.create(fn)(payload))
    except Exception as exc:
        return str(exc)


def test_compound_actions_flatten_in_the_order_the_sdk_numbers_them() -> None:
    def orchestrator(context: df.DurableOrchestrationContext) -> Any:
        retry = df.RetryOptions(1000, 3)
        yield context.task_any(
            [
                context.task_all(
                    [context.call_activity("a", 1), context.call_activity_with_retry("b", retry, 2)]
                ),
                context.wait_for_external_event("stop"),
                context.create_timer(AT + timedelta(hours=1)),
            ]
        )

    state = parse_state(_first_episode(orchestrator))

    assert [(a.type, a.name) for a in state.actions] == [
        (ActionType.CALL_ACTIVITY, "a"),
        (ActionType.CALL_ACTIVITY_WITH_RETRY, "b"),
        (ActionType.WAIT_FOR_EXTERNAL_EVENT, "stop"),
        (ActionType.CREATE_TIMER, None),
    ]
    assert [a.numbered for a in state.actions] == [True, True, False, True]
    assert state.actions[1].retry is not None and state.actions[1].retry.max_attempts == 3
    assert state.actions[1].input_json == "2"
    assert state.actions[3].fire_at == AT + timedelta(hours=1)
    assert state.is_done is False


def test_finished_state_carries_output_and_custom_status() -> None:
    def orchestrator(context: df.DurableOrchestrationContext) -> Any:
        context.set_custom_status({"step": 1})
        return {"done": True}

    state = parse_state(_first_episode(orchestrator))

    assert state.is_done and state.actions == []
    assert json.loads(state.output_json or "") == {"done": True}
    assert state.custom_status == {"step": 1}


def test_failure_message_splits_into_message_and_state() -> None:
    def orchestrator(context: df.DurableOrchestrationContext) -> Any:
        context.call_activity("never_yielded", None)
        raise KeyError("missing")
        yield  # pragma: no cover - makes this a generator

    message, state = split_failure(_first_episode(orchestrator))

    assert message == "'missing'"
    assert state is not None and state.actions == []


def test_bad_states_are_reported_with_what_was_expected() -> None:
    with pytest.raises(OrchestratorProtocolError, match="not JSON"):
        parse_state("nope")
    with pytest.raises(OrchestratorProtocolError, match="schemaVersion >= 1"):
        parse_state('{"isDone": false, "actions": [[{"actionType": 0}]]}')
    with pytest.raises(OrchestratorProtocolError, match="unknown actionType 42"):
        parse_state('{"isDone": false, "schemaVersion": 2, "actions": [[{"actionType": 42}]]}')
    with pytest.raises(OrchestratorProtocolError, match="retryOptions"):
        parse_state(
            '{"isDone": false, "schemaVersion": 2, '
            '"actions": [[{"actionType": 1, "functionName": "f"}]]}'
        )
