"""Run one activity work item; turn what happened into the history event the extension records."""

from __future__ import annotations

import traceback

from . import history as h
from .catalog import FunctionCatalog
from .clock import Clock
from .history import Event
from .store.records import WorkItem


async def activity_outcome(catalog: FunctionCatalog, clock: Clock, item: WorkItem) -> Event:
    """TaskCompleted with the df_dumps result, or TaskFailed with the extension's Reason format.

    The orchestrator later sees a failure as `Exception(f"{Reason} \\n {Details}")`.
    """
    if not catalog.has_activity(item.name):
        reason = (
            f"The function '{item.name}' doesn't exist, is disabled, or is not an activity "
            "function. Additional info: no activity_trigger function with this name is registered."
        )
        return h.task_failed(clock.now(), item.task_id, reason, "")
    try:
        result = await catalog.run_activity(item.name, item.input)
    except Exception as exc:
        reason = f"Activity function '{item.name}' failed:  {type(exc).__name__}: {exc}"
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return h.task_failed(clock.now(), item.task_id, reason, details)
    return h.task_completed(clock.now(), item.task_id, result)
