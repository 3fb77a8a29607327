"""LangGraph graphs whose nodes use the store in each of LangGraph's three ways."""

from __future__ import annotations

from typing import Any

from langgraph.config import get_store
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore
from typing_extensions import TypedDict


class Note(TypedDict, total=False):
    user: str
    text: str
    seen: list[str]


def remember(state: Note, runtime: Runtime[Any]) -> Note:
    """runtime.store: keep the note, answer what was kept before."""
    assert runtime.store is not None
    namespace = ("notes", state["user"])
    before = [item.value["text"] for item in runtime.store.search(namespace)]
    runtime.store.put(namespace, f"n{len(before)}", {"text": state["text"]})
    return {"seen": before}


async def remember_async(state: Note, *, store: BaseStore) -> Note:
    """The `store` argument of an async node, with the async methods."""
    await store.aput(("notes", state["user"]), "latest", {"text": state["text"]}, ttl=60)
    item = await store.aget(("notes", state["user"]), "latest")
    return {"seen": [item.value["text"]] if item else []}


def recall(state: Note) -> Note:
    """get_store(), as a helper deep in a node's code would call it."""
    profile = get_store().get(("profiles",), state["user"])
    return {"seen": [profile.value["name"]] if profile else []}


def _one_node(name: str, node: Any) -> StateGraph[Note]:
    builder = StateGraph(Note)
    builder.add_node(name, node)
    builder.add_edge(START, name)
    builder.add_edge(name, END)
    return builder


def builders() -> dict[str, StateGraph[Note]]:
    return {
        "remember": _one_node("remember", remember),
        "remember_async": _one_node("remember_async", remember_async),
        "recall": _one_node("recall", recall),
    }


#: For `langgraph dev` (langgraph.json), which serves module-level graphs.
REMEMBER = builders()["remember"]
