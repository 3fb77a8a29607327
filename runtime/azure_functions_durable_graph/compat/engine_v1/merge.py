"""Merge rules: how a handler's return value becomes the next state.

- dict: shallow-merged into the state, then re-validated (nested dicts are replaced).
- an instance of the graph's state model: replaces the state.
- None: the state is unchanged.
- anything else: `StateMergeError` naming the node or event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ...errors import StateMergeError
from ...graph.codec import summarise


def merge_state(
    state_model: type[BaseModel],
    state: BaseModel,
    result: object,
    *,
    graph_name: str,
    source: str,
) -> BaseModel:
    """Apply one handler result to `state`; `source` names the node/event for errors."""
    if result is None:
        return state
    if isinstance(result, BaseModel):
        if type(result) is not state_model:
            raise StateMergeError(
                graph_name,
                source,
                f"returned a {type(result).__name__} model; a model return replaces the state, "
                f"so it must be a {state_model.__name__}",
            )
        return result
    if isinstance(result, Mapping):
        bad_keys = [k for k in result if not isinstance(k, str)]
        if bad_keys:
            raise StateMergeError(
                graph_name, source, f"returned a dict with non-string keys {bad_keys!r}"
            )
        merged: dict[str, Any] = {**state.model_dump(), **result}
        try:
            return state_model.model_validate(merged)
        except ValidationError as exc:
            raise StateMergeError(
                graph_name,
                source,
                f"returned an update that makes the state invalid for {state_model.__name__}: "
                f"{summarise(exc)}",
            ) from exc
    raise StateMergeError(
        graph_name,
        source,
        f"returned {type(result).__name__} {result!r}; expected a dict of state updates, "
        f"a {state_model.__name__} or None",
    )


def load_state(
    state_model: type[BaseModel], data: object, *, graph_name: str, source: str
) -> BaseModel:
    """Validate the JSON state carried between activities."""
    try:
        return state_model.model_validate(data)
    except ValidationError as exc:
        raise StateMergeError(
            graph_name,
            source,
            f"the run's state is not a valid {state_model.__name__}: {summarise(exc)}",
        ) from exc


def dump_state(state: BaseModel) -> dict[str, Any]:
    """The JSON form of the state that travels through Durable history."""
    return state.model_dump(mode="json")
