"""graph_hash: stable for the same graph, different when any part of the manifest changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder


class State(BaseModel):
    count: int = 0


class OtherState(BaseModel):
    count: int = 0
    label: str = ""


def noop(state: BaseModel) -> None:
    return None


def route(state: BaseModel) -> None:
    return None


def build_hash(
    *,
    name: str = "g",
    version: str = "1",
    model: type[BaseModel] = State,
    second_next: str | None = "c",
    route_on_b: bool = False,
    extra_node: bool = False,
    events: tuple[str, ...] = ("e",),
    metadata: dict | None = None,
    max_steps: int = 1000,
    entrypoint: str = "a",
    route_targets: list[str] | None = None,
) -> str:
    b = ManifestBuilder(
        graph_name=name, state_model=model, version=version, metadata=metadata, max_steps=max_steps
    )
    b.set_entrypoint(entrypoint)
    b.add_node("a", noop, next_node="b")
    b.add_node(
        "b",
        noop,
        next_node=second_next,
        route=route if route_on_b else None,
        route_targets=route_targets,
    )
    b.add_node("c", noop, terminal=True)
    if extra_node:
        b.add_node("d", noop, terminal=True)
    for event in events:
        b.add_event_handler(event, lambda s, p: None)
    return b.build().manifest.graph_hash


def test_hash_is_stable_for_the_same_declaration():
    assert build_hash() == build_hash()


def test_hash_does_not_depend_on_handler_identity():
    b1 = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("a")
    b1.add_node("a", lambda s: None, terminal=True)
    b2 = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("a")
    b2.add_node("a", noop, terminal=True)
    assert b1.build().manifest.graph_hash == b2.build().manifest.graph_hash


def test_hash_is_the_same_in_another_process():
    code = "from tests.graph.test_hashing import build_hash; print(build_hash())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # set ordering must not leak into the hash
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == build_hash()


@pytest.mark.parametrize(
    "change",
    [
        {"name": "h"},
        {"version": "2"},
        {"model": OtherState},
        {"second_next": None, "route_on_b": True},
        {"route_on_b": True},
        {"extra_node": True},
        {"events": ()},
        {"events": ("e", "f")},
        {"metadata": {"owner": "me"}},
        {"max_steps": 5},
        {"entrypoint": "b"},
        {"route_on_b": True, "route_targets": ["c"]},
    ],
    ids=lambda c: ",".join(c),
)
def test_hash_changes_when_any_part_changes(change):
    assert build_hash(**change) != build_hash()


def test_hash_of_a_graph_without_route_targets_is_unchanged_by_that_field():
    """Frozen on purpose: adding manifest fields must not strand runs pinned to older hashes.

    The value is the hash this graph had before `route_targets` existed.
    """
    assert build_hash() == "f16b3fa416bf5f16"


def test_route_targets_are_part_of_the_hash():
    with_c = build_hash(route_on_b=True, route_targets=["c"])
    with_c_and_complete = build_hash(route_on_b=True, route_targets=["c", "__complete__"])
    assert len({build_hash(route_on_b=True), with_c, with_c_and_complete}) == 3
