"""A graph that fails to build names the user's file and line, not the builder's."""

from __future__ import annotations

import traceback

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, ManifestError


class State(BaseModel):
    n: int = 0


def noop(state: object) -> None:
    return None


def test_a_bad_node_names_the_line_of_its_add_node() -> None:
    b = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("a")
    b.add_node("a", noop, terminal=True)
    line = _line_of_next_statement()
    b.add_node("b", noop, next_node="missing")
    with pytest.raises(ManifestError) as info:
        b.build()
    assert info.value.declared_at == f"{__file__}:{line}"
    shown = "".join(traceback.format_exception_only(type(info.value), info.value))
    assert f"declared at {__file__}:{line}" in shown


def test_a_graph_level_problem_names_the_build_call() -> None:
    b = ManifestBuilder(graph_name="g", state_model=State, max_steps=0)
    b.set_entrypoint("a")
    b.add_node("a", noop, terminal=True)
    with pytest.raises(ManifestError) as info:
        line = _line_of_next_statement()
        b.build()
    assert info.value.declared_at == f"{__file__}:{line}"
    assert "graph/builder.py" not in str(info.value.declared_at)


def _line_of_next_statement() -> int:
    import sys

    return sys._getframe(1).f_lineno + 1
