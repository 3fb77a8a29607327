"""The workloads as LangGraph 1.x graphs: no checkpointer, or SqliteSaver on a file.

SqliteSaver's own `setup()` turns on WAL and leaves `synchronous` at SQLite's
default (FULL): that is the "default" variant. The "WAL/NORMAL" variant adds
`PRAGMA synchronous=NORMAL`, the durability the local host's store has.
"""

from __future__ import annotations

import operator
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypedDict

from bench.systems import RunFacts, System
from bench.workloads import LINEAR_NODES, Workload

VARIANTS = {
    "langgraph": None,
    "langgraph+sqlite": (),
    "langgraph+sqlite-wal-normal": ("PRAGMA synchronous=NORMAL",),
}


class Counter(TypedDict):
    count: int
    limit: int
    payload: str


class MapReduce(TypedDict, total=False):
    items: list[int]
    results: Annotated[list[int], operator.add]
    total: int


def _increment(state: Counter) -> dict[str, Any]:
    return {"count": state["count"] + 1}


def _graphs() -> dict[str, Any]:
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import Send

    linear = StateGraph(Counter)
    for index in range(LINEAR_NODES):
        linear.add_node(f"n{index}", _increment)
        linear.add_edge(START if index == 0 else f"n{index - 1}", f"n{index}")
    linear.add_edge(f"n{LINEAR_NODES - 1}", END)

    loop = StateGraph(Counter)
    loop.add_node("step", _increment)
    loop.add_edge(START, "step")
    loop.add_conditional_edges(
        "step", lambda s: "step" if s["count"] < s["limit"] else END, ["step", END]
    )

    fanout = StateGraph(MapReduce)
    fanout.add_node("split", lambda s: {})
    fanout.add_node("work", lambda arg: {"results": [arg["item"] * 2]})
    fanout.add_node("join", lambda s: {"total": sum(s["results"])})
    fanout.add_edge(START, "split")
    fanout.add_conditional_edges(
        "split", lambda s: [Send("work", {"item": i}) for i in s["items"]], ["work"]
    )
    fanout.add_edge("work", "join")
    fanout.add_edge("join", END)
    return {"linear": linear, "loop": loop, "fanout": fanout}


def _agent(saver: Any) -> Any:
    from bench.agent_graph import agent_graph

    return agent_graph(checkpointer=saver)


class LangGraphSystem(System):
    """One compiled graph per workload kind, all sharing one checkpointer (or none)."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self._conn: sqlite3.Connection | None = None
        saver = None
        pragmas = VARIANTS[name]
        if pragmas is not None:
            from langgraph.checkpoint.sqlite import SqliteSaver

            # What SqliteSaver.from_conn_string does, on a file.
            self._conn = sqlite3.connect(str(folder / f"{name}.sqlite3"), check_same_thread=False)
            saver = SqliteSaver(self._conn)
            saver.setup()
            for pragma in pragmas:
                self._conn.execute(pragma)
        self._compiled = {k: g.compile(checkpointer=saver) for k, g in _graphs().items()}
        self._compiled["agent"] = _agent(saver)

    def run(self, workload: Workload) -> RunFacts:
        thread = uuid.uuid4().hex
        config = {
            "configurable": {"thread_id": thread},
            "recursion_limit": workload.steps + 10,
        }
        state = self._compiled[workload.kind].invoke(workload.initial_state(), config)
        workload.check(state)
        return self._facts(thread, workload)

    def _facts(self, thread: str, workload: Workload) -> RunFacts:
        if self._conn is None:
            return RunFacts(node_calls=workload.steps)
        rows, size = self._conn.execute(
            "SELECT count(*), coalesce(sum(length(checkpoint) + length(metadata)), 0) "
            "FROM checkpoints WHERE thread_id = ?",
            (thread,),
        ).fetchone()
        writes, write_size = self._conn.execute(
            "SELECT count(*), coalesce(sum(length(value)), 0) FROM writes WHERE thread_id = ?",
            (thread,),
        ).fetchone()
        return RunFacts(
            node_calls=workload.steps, history_events=rows + writes, history_bytes=size + write_size
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


@contextmanager
def langgraph_system(name: str) -> Iterator[LangGraphSystem]:
    with tempfile.TemporaryDirectory(prefix="bench-lg-") as folder:
        system = LangGraphSystem(name, Path(folder))
        try:
            yield system
        finally:
            system.close()
