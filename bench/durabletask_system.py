"""The workloads as durabletask orchestrations on its in-process test backend.

`durabletask.testing.create_test_backend` runs the sidecar's gRPC service in
this process with in-memory state; the worker and the client talk to it over
localhost gRPC, as they would to a real sidecar. Each node is one activity
that gets the state and returns the new one, like this project's graphs.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any

from bench.systems import RunFacts, System
from bench.workloads import AGENT_TOOL_CALLS, LINEAR_NODES, Workload, WrongResult

RUN_TIMEOUT = 600.0


def _increment(ctx: Any, state: dict[str, Any]) -> dict[str, Any]:
    return {**state, "count": state["count"] + 1}


def _work(ctx: Any, item: int) -> list[int]:
    return [item * 2]


def _join(ctx: Any, state: dict[str, Any]) -> dict[str, Any]:
    return {**state, "total": sum(state["results"])}


def linear(ctx: Any, state: dict[str, Any]) -> Generator[Any, Any, dict[str, Any]]:
    for _ in range(LINEAR_NODES):
        state = yield ctx.call_activity(_increment, input=state)
    return state


def loop(ctx: Any, state: dict[str, Any]) -> Generator[Any, Any, dict[str, Any]]:
    state = yield ctx.call_activity(_increment, input=state)
    while state["count"] < state["limit"]:
        state = yield ctx.call_activity(_increment, input=state)
    return state


def fanout(ctx: Any, state: dict[str, Any]) -> Generator[Any, Any, dict[str, Any]]:
    from durabletask import task

    state = yield ctx.call_activity(_split, input=state)
    parts = yield task.when_all([ctx.call_activity(_work, input=i) for i in state["items"]])
    merged = {**state, "results": [value for part in parts for value in part]}
    return (yield ctx.call_activity(_join, input=merged))


def _split(ctx: Any, state: dict[str, Any]) -> dict[str, Any]:
    return state


def _model(ctx: Any, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """bench/agent_graph.py's scripted model, on plain message dicts."""
    done = sum(1 for m in messages if m["role"] == "tool")
    if done < AGENT_TOOL_CALLS:
        call = {"name": "add_one", "args": {"x": done}, "id": f"call-{done}"}
        return {"role": "assistant", "content": "", "tool_calls": [call], "id": f"ai-{done}"}
    return {"role": "assistant", "content": f"done after {done} tool calls", "id": f"ai-{done}"}


def _tool(ctx: Any, call: dict[str, Any]) -> dict[str, Any]:
    return {"role": "tool", "content": str(call["args"]["x"] + 1), "tool_call_id": call["id"]}


def agent(ctx: Any, state: dict[str, Any]) -> Generator[Any, Any, dict[str, Any]]:
    """The hand-written agent loop: a model activity, then one activity per tool call."""
    messages = list(state["messages"])
    while True:
        reply = yield ctx.call_activity(_model, input=messages)
        messages.append(reply)
        if not reply.get("tool_calls"):
            return {"messages": messages}
        for call in reply["tool_calls"]:
            messages.append((yield ctx.call_activity(_tool, input=call)))


ORCHESTRATORS = {"linear": linear, "loop": loop, "fanout": fanout, "agent": agent}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class DurableTaskSystem(System):
    name = "durabletask"

    def __init__(self) -> None:
        from durabletask.client import TaskHubGrpcClient
        from durabletask.testing import create_test_backend
        from durabletask.worker import TaskHubGrpcWorker

        quiet = logging.getLogger("bench.durabletask")
        quiet.setLevel(logging.WARNING)
        port = _free_port()
        self._backend = create_test_backend(port=port, max_history_size=100_000)
        address = f"localhost:{port}"
        self._worker = TaskHubGrpcWorker(host_address=address, logger=quiet)
        for orchestrator in ORCHESTRATORS.values():
            self._worker.add_orchestrator(orchestrator)
        for activity in (_increment, _work, _join, _split, _model, _tool):
            self._worker.add_activity(activity)
        self._worker.start()
        self._client = TaskHubGrpcClient(host_address=address, logger=quiet)

    def run(self, workload: Workload) -> RunFacts:
        from durabletask.client import OrchestrationStatus

        orchestrator = ORCHESTRATORS[workload.kind]
        instance_id = self._client.schedule_new_orchestration(
            orchestrator, input=workload.initial_state()
        )
        done = self._client.wait_for_orchestration_completion(instance_id, timeout=RUN_TIMEOUT)
        if done is None or done.runtime_status != OrchestrationStatus.COMPLETED:
            status = None if done is None else (done.runtime_status, done.failure_details)
            raise WrongResult(f"durabletask {workload.name}: expected COMPLETED, found {status}")
        workload.check(json.loads(done.serialized_output or "null") or {})
        return self._facts(instance_id, workload)

    def _facts(self, instance_id: str, workload: Workload) -> RunFacts:
        import durabletask.internal.orchestrator_service_pb2 as pb

        request = pb.StreamInstanceHistoryRequest(instanceId=instance_id)
        events = [
            e for chunk in self._backend.StreamInstanceHistory(request, None) for e in chunk.events
        ]
        scheduled = sum(1 for e in events if e.HasField("taskScheduled"))
        return RunFacts(
            node_calls=workload.steps,
            activity_calls=scheduled,
            history_events=len(events),
            history_bytes=sum(e.ByteSize() for e in events),
        )

    def close(self) -> None:
        self._worker.stop()
        self._backend.stop()


@contextmanager
def durabletask_system(name: str = "durabletask") -> Iterator[DurableTaskSystem]:
    system = DurableTaskSystem()
    try:
        yield system
    finally:
        system.close()
