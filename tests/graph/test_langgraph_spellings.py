"""LangGraph's spellings on the builder: same manifests, same hashes, and Command-only nodes."""

from __future__ import annotations

import textwrap
from datetime import timedelta

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import (
    END,
    DurableGraphApp,
    ManifestBuilder,
    ManifestError,
    RetryPolicy,
)
from azure_functions_durable_graph.testing import LocalHost, VirtualClock


class State(BaseModel):
    n: int = 0


class Item(BaseModel):
    n: int


def noop(state: object) -> None:
    return None


def test_aliases_build_the_same_graph_as_the_seed_names() -> None:
    policy = RetryPolicy(max_attempts=2)

    def ours() -> str:
        b = ManifestBuilder(graph_name="g", state_model=State, retry=policy)
        b.set_entrypoint("a")
        b.add_node("a", noop, next_node="b", retry=policy, input_model=Item)
        b.add_node("b", noop, terminal=True, timeout=timedelta(seconds=5))
        return b.build().graph_hash

    def langgraphs() -> str:
        b = ManifestBuilder(graph_name="g", state_model=State, retry_policy=policy)
        b.set_entry_point("a")
        b.add_node("a", noop, next_node="b", retry_policy=policy, input_schema=Item)
        b.add_node("b", noop, terminal=True, timeout=timedelta(seconds=5))
        return b.build().graph_hash

    assert ours() == langgraphs()


def test_an_option_given_under_both_names_is_refused() -> None:
    b = ManifestBuilder(graph_name="g", state_model=State)
    with pytest.raises(TypeError, match="retry= or retry_policy="):
        b.add_node("a", noop, terminal=True, retry=RetryPolicy(), retry_policy=RetryPolicy())


def test_end_completes_a_route() -> None:
    assert END == "__complete__"


def test_destinations_cannot_sit_beside_a_route() -> None:
    b = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("a")
    b.add_node("a", noop, route=lambda s: END, destinations=["a"])
    with pytest.raises(ManifestError, match="has destinations"):
        b.build()


def test_register_refuses_an_unbuilt_builder() -> None:
    runtime = DurableGraphApp()
    with pytest.raises(TypeError, match=r"call \.build\(\)"):
        runtime.register(ManifestBuilder(graph_name="g", state_model=State))  # type: ignore[arg-type]


APP = textwrap.dedent(
    """
    from pydantic import BaseModel
    from azure_functions_durable_graph import END, Command, DurableGraphApp, ManifestBuilder

    class State(BaseModel):
        n: int = 0
        path: list[str] = []

    def decide(state: State) -> Command:
        return Command(update={"n": state.n + 1}, goto="done" if state.n >= 1 else "decide")

    def done(state: State) -> dict:
        return {"path": [*state.path, "done"]}

    builder = ManifestBuilder(graph_name="commands", state_model=State)
    builder.set_entry_point("decide")
    builder.add_node("decide", decide, destinations=["decide", "done"])
    builder.add_node("done", done, terminal=True)

    runtime = DurableGraphApp(http_auth_level="ANONYMOUS")
    runtime.register(builder.build())
    app = runtime.function_app
    """
)


def test_a_node_routing_only_with_command_runs_on_the_local_host(tmp_path) -> None:
    (tmp_path / "function_app.py").write_text(APP, encoding="utf-8")
    with LocalHost(tmp_path, store=":memory:", clock=VirtualClock()) as host:
        graph = host.get("/api/graphs/commands").json()
        assert graph["nodes"]["decide"]["terminal"] is False
        assert graph["nodes"]["decide"]["route_targets"] == ["decide", "done"]
        links = host.post("/api/graphs/commands/runs", json={"input": {}}).json()
        host.wait_for_status(links["instance_id"], "Completed")
        run = host.get(links["status_url"]).json()
    assert run["output"] == {"n": 2, "path": ["done"]}
    assert run["path"] == ["decide", "decide", "done"]
