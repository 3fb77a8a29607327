"""One episode through a real SDK handle, and the determinism check."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import azure.durable_functions as df
import pytest

from azure_functions_durable_graph.local import history as h
from azure_functions_durable_graph.local.actions import Action, ActionType
from azure_functions_durable_graph.local.episode import (
    check_determinism,
    episode_payload,
    run_episode,
)
from azure_functions_durable_graph.local.errors import (
    NonDeterminismError,
    OrchestratorProtocolError,
)

AT = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _greet(context: df.DurableOrchestrationContext) -> Any:
    name = context.get_input()["name"]
    greeting = yield context.call_activity("greet", name)
    return {
        "greeting": greeting,
        "now": context.current_utc_datetime.isoformat(),
        "id": context.instance_id,
    }


def _start(input_json: str) -> list[dict[str, Any]]:
    return [
        h.orchestrator_started(AT),
        h.execution_started(
            AT, name="greet", input_json=input_json, instance_id="i1", execution_id="e"
        ),
    ]


def test_payload_has_the_fields_the_sdk_reads() -> None:
    payload = json.loads(
        episode_payload(
            instance_id="i1", input_json='"x"', parent_instance_id="p", history=_start('"x"')
        )
    )

    assert (
        payload["instanceId"] == "i1"
        and payload["input"] == '"x"'
        and payload["parentInstanceId"] == "p"
    )
    assert payload["upperSchemaVersionNew"] == 2 and payload["isReplaying"] is False


def test_episode_schedules_then_completes_with_the_activity_result() -> None:
    handle = df.Orchestrator.create(_greet)
    first = _start(json.dumps({"name": "Ada"}))
    outcome = run_episode(
        handle,
        episode_payload(
            instance_id="i1",
            input_json=json.dumps({"name": "Ada"}),
            parent_instance_id=None,
            history=first,
        ),
    )
    assert [a.describe() for a in outcome.state.actions] == ["CallActivity 'greet'"]
    assert outcome.state.actions[0].input_json == '"Ada"'

    later = AT.replace(hour=5)
    past = [*first, h.task_scheduled(AT, 0, name="greet", input_json='"Ada"')]
    new = [h.orchestrator_started(later), h.task_completed(later, 0, '"Hi Ada"')]
    history = [{**e, "IsPlayed": True} for e in past] + [{**e, "IsPlayed": False} for e in new]
    done = run_episode(
        handle,
        episode_payload(
            instance_id="i1",
            input_json=json.dumps({"name": "Ada"}),
            parent_instance_id=None,
            history=history,
        ),
    )

    assert done.error is None and done.state.is_done
    assert json.loads(done.state.output_json or "") == {
        "greeting": "Hi Ada",
        "now": later.isoformat(),
        "id": "i1",
    }


def test_orchestrator_exception_becomes_an_error_outcome() -> None:
    handle = df.Orchestrator.create(_greet)

    outcome = run_episode(
        handle,
        episode_payload(
            instance_id="i1", input_json="{}", parent_instance_id=None, history=_start("{}")
        ),
    )

    assert outcome.error == "'name'"
    assert outcome.state.actions == []


def test_handle_returning_something_else_is_a_protocol_error() -> None:
    with pytest.raises(OrchestratorProtocolError, match="got int"):
        run_episode(lambda payload: 42, "{}")  # type: ignore[arg-type,return-value]


def test_determinism_check_names_position_expected_and_found() -> None:
    recorded = [{"type": 0, "name": "a", "id": 0}, {"type": 5, "name": None, "id": 1}]
    same = [
        Action(ActionType.CALL_ACTIVITY, "a"),
        Action(ActionType.CREATE_TIMER),
        Action(ActionType.CALL_ACTIVITY, "b"),
    ]
    check_determinism("i", recorded, same)

    with pytest.raises(
        NonDeterminismError,
        match=r"action #1 was CreateTimer in the history but the orchestrator now scheduled "
        r"CallActivity 'b'",
    ):
        check_determinism(
            "i",
            recorded,
            [Action(ActionType.CALL_ACTIVITY, "a"), Action(ActionType.CALL_ACTIVITY, "b")],
        )
    with pytest.raises(
        NonDeterminismError, match=r"action #1 was CreateTimer .* no action at this position"
    ):
        check_determinism("i", recorded, [Action(ActionType.CALL_ACTIVITY, "a")])
    check_determinism("i", recorded, [Action(ActionType.CALL_ACTIVITY, "a")], complete=False)
