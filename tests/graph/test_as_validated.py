"""as_validated(model, **values) returns what model(**values) returns, on both of its paths."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from azure_functions_durable_graph.graph.as_validated import as_validated
from azure_functions_durable_graph.graph.manifest import GraphManifest, NodeDefinition


class Name(str):
    """A str subclass: validation turns it into a plain str."""


def same(left: BaseModel, right: BaseModel) -> None:
    """Equal, with the same types all the way down (a tuple is not a list, 1 is not True)."""
    assert left == right
    assert type(left) is type(right)
    assert left.model_fields_set == right.model_fields_set
    for name, value in left:
        assert repr(value) == repr(getattr(right, name)), name
        assert type(value) is type(getattr(right, name)), name


def node(**values: Any) -> dict[str, Any]:
    return {"name": "a", **values}


@pytest.mark.parametrize(
    "values",
    [
        node(),
        node(next_node="b", terminal=False, has_route=True, route_targets=("b", "__complete__")),
        node(next_node=("b", "c"), defer=True, timeout_seconds=1.5, on_error="b"),
        node(retry={"max_attempts": 3, "retry_on": ["ValueError"]}, input_model="In"),
        node(subgraph={"graph_name": "child", "shared": ["x"]}, answer_model="Answer"),
        # Values validation changes: these take the validating path.
        node(terminal=1),
        node(next_node=["b", "c"]),
        node(timeout_seconds=2),
        node(name=Name("a"), route_targets=[Name("b")]),
    ],
)
def test_a_node_definition_is_what_validation_returns(values: dict[str, Any]) -> None:
    same(as_validated(NodeDefinition, **values), NodeDefinition(**values))


def test_containers_are_copied_as_validation_copies_them() -> None:
    retry = {"max_attempts": 2}
    metadata = {"team": "x"}

    definition = as_validated(NodeDefinition, name="a", retry=retry)
    manifest = as_validated(GraphManifest, **manifest_values(metadata=metadata))

    assert definition.retry == retry and definition.retry is not retry
    assert manifest.metadata == metadata and manifest.metadata is not metadata
    assert manifest.nodes["a"] is manifest_values()["nodes"]["a"]  # instances are kept


def manifest_values(**values: Any) -> dict[str, Any]:
    return {
        "graph_name": "g",
        "version": "1",
        "graph_hash": "0123456789abcdef",
        "state_model_name": "State",
        "state_schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
        "entrypoint": "a",
        "nodes": {"a": _NODE},
        "event_handlers": ["go"],
        **values,
    }


_NODE = NodeDefinition(name="a", terminal=True)


@pytest.mark.parametrize(
    "values",
    [
        manifest_values(),
        manifest_values(reducers={"n": "operator.add"}, max_steps=5, steps_per_execution=3),
        manifest_values(error_forms={"timeout:a": {"type": "T", "message": "m"}}),
        manifest_values(max_steps=True),  # validating path: a bool is not an int
        manifest_values(event_handlers=("go",)),
    ],
)
def test_a_manifest_is_what_validation_returns(values: dict[str, Any]) -> None:
    same(as_validated(GraphManifest, **values), GraphManifest(**values))


@pytest.mark.parametrize(
    "values",
    [
        node(terminal="maybe"),
        node(next_node=3),
        node(retry="often"),
    ],
)
def test_values_validation_rejects_are_rejected_by_validation(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as expected:
        NodeDefinition(**values)
    with pytest.raises(ValidationError) as got:
        as_validated(NodeDefinition, **values)

    assert got.value.errors() == expected.value.errors()


def test_a_manifest_with_invalid_error_forms_fails_as_before() -> None:
    values = manifest_values(error_forms={"timeout:a": {"type": 1}})

    with pytest.raises(ValidationError, match="error_forms"):
        as_validated(GraphManifest, **values)


class Checked(BaseModel):
    name: str = Field(min_length=2)
    tag: str = ""

    @field_validator("tag")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()


def test_models_with_validators_or_constraints_are_always_validated() -> None:
    assert as_validated(Checked, name="ab", tag="x").tag == "X"
    with pytest.raises(ValidationError, match="at least 2"):
        as_validated(Checked, name="a")
