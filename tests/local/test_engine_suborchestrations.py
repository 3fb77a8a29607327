"""Sub-orchestrations: default and explicit instance ids, results and failures for the parent."""

from __future__ import annotations

from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.history import EventType
from tests.helpers import unique_id
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine


def test_parent_gets_child_results_and_children_get_the_extensions_ids() -> None:
    parent_id = unique_id("parent")

    async def scenario(
        engine: Engine,
    ) -> tuple[dict[str, object], list[dict[str, object]], list[str]]:
        await engine.start_orchestration("parent", None, parent_id)
        status = await finished(engine, parent_id)
        children = [s["instanceId"] for s in await engine.list_statuses() if s["name"] == "child"]
        return status, await engine.history(parent_id), children

    status, events, children = run_engine(apps.app, scenario)

    assert status["output"] == {"doubled": 42, "named": 10, "parent": parent_id}
    execution_id = events[1]["OrchestrationInstance"]["ExecutionId"]
    created = [
        (e["EventId"], e["InstanceId"])
        for e in events
        if e["EventType"] == EventType.SUB_ORCHESTRATION_INSTANCE_CREATED
    ]
    assert created == [(0, f"{execution_id}:0"), (1, f"{parent_id}-named")]
    assert sorted(children) == sorted([f"{execution_id}:0", f"{parent_id}-named"])


def test_child_status_reports_its_parent_input_and_output() -> None:
    parent_id = unique_id("parent")

    async def scenario(engine: Engine) -> dict[str, object]:
        await engine.start_orchestration("parent", None, parent_id)
        await engine.wait_until_idle()
        return await finished(engine, f"{parent_id}-named")

    status = run_engine(apps.app, scenario)

    assert status["runtimeStatus"] == "Completed"
    assert status["input"] == 5
    assert status["output"] == 10


def test_child_failure_reaches_the_parent_as_an_exception() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("parent_of_failure", None)
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["runtimeStatus"] == "Completed"
    assert (
        status["output"]
        == "caught: Orchestrator function 'exploding' failed: the orchestrator gave up \n "
    )


def test_terminating_a_child_fails_the_parents_task() -> None:
    parent_id = unique_id("parent")

    async def scenario(engine: Engine) -> dict[str, object]:
        await engine.start_orchestration("parent_of_forever", None, parent_id)
        await engine.wait_until_idle()
        await engine.terminate(f"{parent_id}-kid", "enough")
        return await finished(engine, parent_id)

    status = run_engine(apps.app, scenario)

    assert status["output"] == "caught: Instance terminated: enough \n "
