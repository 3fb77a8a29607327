"""Non-determinism: an orchestrator whose code no longer matches its history fails clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import pytest

from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.episode import replay_history
from azure_functions_durable_graph.local.errors import NonDeterminismError
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine

HISTORIES = Path(__file__).parent / "histories"


def _changed_hello_sequence(context: df.DurableOrchestrationContext) -> Any:
    """hello_sequence after an edit: the second call now goes to another activity."""
    first = yield context.call_activity("say_hello", context.get_input())
    second = yield context.call_activity("say_goodbye", "Seattle")
    return [first, second]


def _original_hello_sequence(context: df.DurableOrchestrationContext) -> Any:
    first = yield context.call_activity("say_hello", context.get_input())
    second = yield context.call_activity("say_hello", "Seattle")
    third = yield context.call_activity("say_hello", "London")
    return [first, second, third]


def test_recorded_history_replays_with_the_code_that_produced_it() -> None:
    history = json.loads((HISTORIES / "hello_sequence.json").read_text())

    outcome = replay_history(df.Orchestrator.create(_original_hello_sequence), history)

    assert outcome.error is None
    assert outcome.state.is_done
    assert json.loads(outcome.state.output_json or "null") == [
        "Hello Tokyo!",
        "Hello Seattle!",
        "Hello London!",
    ]


def test_recorded_history_with_changed_code_raises_non_determinism_naming_the_position() -> None:
    history = json.loads((HISTORIES / "hello_sequence.json").read_text())

    with pytest.raises(NonDeterminismError) as caught:
        replay_history(
            df.Orchestrator.create(_changed_hello_sequence), history, instance_id="recorded-hello"
        )

    assert caught.value.position == 1
    assert str(caught.value) == (
        "Non-deterministic workflow detected in instance 'recorded-hello': "
        "action #1 was TaskScheduled 'say_hello' "
        "in the history but the orchestrator now scheduled CallActivity 'say_goodbye'"
    )


def test_engine_fails_an_instance_whose_code_changed_while_it_waited() -> None:
    apps.shifty_uses_new_code = False

    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("shifty", None)
        await engine.wait_until_idle()
        apps.shifty_uses_new_code = True  # deploy an incompatible change mid-flight
        await engine.raise_event(instance_id, "continue", None)
        return await finished(engine, instance_id)

    try:
        status = run_engine(apps.app, scenario)
    finally:
        apps.shifty_uses_new_code = False

    assert status["runtimeStatus"] == "Failed"
    assert "Non-deterministic workflow detected" in str(status["output"])
    assert (
        "action #0 was CallActivity 'square' in the history "
        "but the orchestrator now scheduled CallActivity 'double'" in str(status["output"])
    )
