"""Stopping a run the Agent Server API ends: its subgraph children with it.

Terminating an orchestration does not end its sub-orchestrations, so a run that is
cancelled, taken over by a multitask strategy or superseded (by new input or a state
update) would leave the subgraph it waits on running, or paused at an interrupt,
forever. The children are read from the ``children`` of each running instance's custom
status (nested ones too), so this holds on Azure as on the local host. A run whose
interrupt waits inside a subgraph never paused its thread's lock (the child did the
waiting), so the lock is released for it.
"""

from __future__ import annotations

import logging
from typing import Any

from azure.durable_functions import EntityId

from ..durable.names import THREAD_ENTITY
from .durable_view import InstanceView, read_instance

logger = logging.getLogger("azure_functions_durable_graph")


async def stop_run(client: Any, instance_id: str, reason: str) -> list[str]:
    """Terminate the run and the children it runs; the children ended, outermost first."""
    children = await running_children(client, instance_id)
    await client.terminate(instance_id, reason)
    for child in children:
        try:
            await client.terminate(child, f"its parent run was stopped: {reason}")
        except Exception as exc:  # it ended meanwhile: nothing left to stop
            logger.info("subgraph run %s was not terminated: %s", child, exc)
    return children


async def running_children(client: Any, instance_id: str) -> list[str]:
    view = await read_instance(client, instance_id, with_log=False)
    return await _children_of(client, view)


async def _children_of(client: Any, view: InstanceView) -> list[str]:
    if view.status != "Running":
        return []
    found: list[str] = []
    for child in view.custom.get("children") or []:
        if not isinstance(child, dict) or not child.get("instance_id"):
            continue
        sub = await read_instance(client, str(child["instance_id"]), with_log=False)
        if sub.status == "Running":
            found.append(sub.instance_id)
            found += await _children_of(client, sub)
    return found


async def give_way(client: Any, thread_id: str, view: InstanceView, reason: str) -> None:
    """End a run paused at an interrupt (superseded); one whose interrupt waits in a
    subgraph also lets its thread's lock go, which its waiting child never paused."""
    await stop_run(client, view.instance_id, reason)
    if view.child_interrupts:
        entity = EntityId(THREAD_ENTITY, thread_id)
        await client.signal_entity(entity, "release", {"run_id": view.instance_id})
