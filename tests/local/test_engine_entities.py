"""Durable entities: signals and calls from orchestrators and clients, one operation at a time."""

from __future__ import annotations

import json

from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.history import EventType
from tests.helpers import unique_id
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine


def test_orchestrator_signals_and_calls_an_entity_and_sees_its_errors() -> None:
    key = unique_id("k")

    async def scenario(
        engine: Engine,
    ) -> tuple[dict[str, object], str | None, list[dict[str, object]]]:
        instance_id = await engine.start_orchestration("uses_counter", json.dumps(key))
        status = await finished(engine, instance_id)
        state = await engine.read_entity_state("counter_entity", key)
        return status, state, await engine.history(instance_id)

    status, state, events = run_engine(apps.app, scenario)

    assert status["output"] == {"total": 7, "error": "the counter exploded"}
    assert state is not None and json.loads(state) == 7
    sent = [
        (e["EventId"], e["Name"], e["InstanceId"])
        for e in events
        if e["EventType"] == EventType.EVENT_SENT
    ]
    assert sent == [
        (0, "add", f"@counter_entity@{key}"),
        (1, "add", f"@counter_entity@{key}"),
        (2, "get", f"@counter_entity@{key}"),
        (3, "explode", f"@counter_entity@{key}"),
    ]


def test_client_signals_update_state_in_order_and_unknown_entities_do_not_exist() -> None:
    key = unique_id("k")

    async def scenario(engine: Engine) -> tuple[str | None, str | None]:
        for amount in (1, 2, 3):
            await engine.signal_entity("Counter_Entity", key, "add", json.dumps(amount))
        await engine.wait_until_idle()
        return await engine.read_entity_state(
            "counter_entity", key
        ), await engine.read_entity_state("counter_entity", "never-used")

    state, missing = run_engine(apps.app, scenario)

    assert state is not None and json.loads(state) == 6
    assert missing is None
