"""Every name and shape that crosses a Durable boundary, in one place.

The orchestrator, the activities, the step-log entity, the HTTP API, the CLI
and the inspector all meet here: function, activity, entity and event names,
the run's input, and the engine numbers that tell the two engines apart. A
renamed constant here is a changed history: runs in flight replay against
these names, so they never change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import GraphRunFailed
from .wire import decode_json_text

#: The one orchestrator of every graph; prefixed so it cannot collide with the user's functions.
ORCHESTRATOR_NAME = "durable_graph_orchestrator"

#: Engine 1: the 0.1.0 loop (compat/engine_v1); its runs' input has no "engine" key.
ENGINE_V1 = 1
#: Engine 2: LangGraph's supersteps (this package).
ENGINE_V2 = 2

# Engine 2's activities.
#: A node alone in its superstep: handler, reducers and route in one call.
STEP_ACTIVITY = "durable_graph_step"
#: One node of a parallel superstep: its handler only.
TASK_ACTIVITY = "durable_graph_task"
#: A parallel superstep's updates through the reducers, then each node's route.
APPLY_ACTIVITY = "durable_graph_apply"
#: An event handler's update (engine 2).
EVENT_HANDLER_ACTIVITY = "durable_graph_event"

# Engine 1's activities (0.1.0 runs only).
#: One node step: handler, merge and route.
V1_NODE_ACTIVITY = "durable_graph_run_node"
#: One event applied to the state.
V1_EVENT_ACTIVITY = "durable_graph_apply_event"

#: The step-log entity, keyed ``<instance id>|<execution>`` (see steplog.py).
STEPS_ENTITY = "durable_graph_steps"

#: The one Durable event name engine-2 runs listen to (see inbox.py).
INBOX_EVENT = "durable_graph_inbox"


def durable_event_name(engine: int, event_name: str) -> str:
    """The Durable event a graph event travels under for a run of `engine`.

    Engine 1 waits on the graph event's own name; engine 2 on its inbox.
    """
    return INBOX_EVENT if engine >= ENGINE_V2 else event_name


def entity_key(instance_id: str, execution: int) -> str:
    """The step-log entity key of one execution of a run."""
    return f"{instance_id}|{execution}"


@dataclass(frozen=True)
class RunInput:
    """What a run pins: graph name and hash, and how it starts or continues."""

    graph_name: str
    graph_hash: str
    state: dict[str, Any]
    engine: int = ENGINE_V2
    steps_per_execution: int | None = None
    progress: dict[str, Any] | None = None
    record_steps: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "graph_name": self.graph_name,
            "graph_hash": self.graph_hash,
            "state": self.state,
        }
        if self.engine >= ENGINE_V2:
            data["engine"] = self.engine
            data["steps_per_execution"] = self.steps_per_execution
            data["record_steps"] = self.record_steps
        if self.progress is not None:
            data["progress"] = self.progress
        return data

    def continued(self, progress: Mapping[str, Any]) -> dict[str, Any]:
        """The input of the next execution after a continue-as-new (`progress` as a dict)."""
        return {**self.to_dict(), "state": {}, "progress": dict(progress)}

    @classmethod
    def parse(cls, value: Any) -> RunInput:
        value = decode_json_text(value)
        if (
            not isinstance(value, Mapping)
            or not isinstance(value.get("graph_name"), str)
            or not isinstance(value.get("graph_hash"), str)
            or not isinstance(value.get("state"), Mapping)
        ):
            raise GraphRunFailed(
                "InvalidRunInput",
                'a graph run\'s input must be {"graph_name": str, "graph_hash": str, '
                f'"state": object}}; got {value!r}',
            )
        engine = value.get("engine", ENGINE_V1)
        per_execution = value.get("steps_per_execution")
        progress = value.get("progress")
        return cls(
            value["graph_name"],
            value["graph_hash"],
            dict(value["state"]),
            engine=engine if isinstance(engine, int) else ENGINE_V1,
            steps_per_execution=per_execution if isinstance(per_execution, int) else None,
            progress=dict(progress) if isinstance(progress, Mapping) else None,
            record_steps=value.get("record_steps") is True,
        )
