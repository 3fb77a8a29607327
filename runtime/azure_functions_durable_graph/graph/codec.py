"""The one place that knows what a graph's state is: validation, reducers, JSON.

The orchestrator only ever holds the state as JSON; activities go through a
`StateCodec` to hand handlers a state object and to apply updates. The
built-in `PydanticCodec` serves `ManifestBuilder(state_model=...)`; another
codec (the LangGraph adapter's) can be plugged in with `codec=`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from ..errors import StateMergeError
from .types import qualified_name

Reducer = Callable[[Any, Any], Any]
#: Key of a stateful subgraph's start state holding its state from the previous call; its
#: codec folds the rest of the start state (the input) into it (ManifestBuilder.add_node).
PRIOR_STATE_KEY = "__prior_state__"
#: One state update: (who wrote it, {field: value}).
Update = tuple[str, Mapping[str, Any]]


class StateCodec(Protocol):
    """How a graph's state is validated, handed to handlers, and updated."""

    model_name: str

    def json_schema(self) -> dict[str, Any]:
        """The state's JSON schema (the manifest's `state_schema`, part of the hash)."""
        ...

    def reducers(self) -> dict[str, str]:
        """Field -> qualified name of its reducer (part of the hash)."""
        ...

    def validate_input(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """A run's start input as JSON state; raises pydantic.ValidationError."""
        ...

    def load(self, data: Mapping[str, Any]) -> Any:
        """The value node, route and event handlers receive."""
        ...

    def dump(self, loaded: Any) -> dict[str, Any]:
        """JSON of a loaded value (compared with the input to see in-place mutation)."""
        ...

    def apply(self, data: Mapping[str, Any], updates: Sequence[Update]) -> dict[str, Any]:
        """The JSON state after `updates`, in order, through reducers; raises StateMergeError."""
        ...

    def output(self, data: Mapping[str, Any]) -> Any:
        """What the run's output shows as its final state."""
        ...


def find_reducers(model: type[BaseModel]) -> dict[str, Reducer]:
    """Fields declared ``Annotated[T, reducer]`` whose reducer takes two arguments."""
    reducers: dict[str, Reducer] = {}
    for name, info in model.model_fields.items():
        for item in info.metadata:
            if callable(item) and not isinstance(item, type) and _takes_two(item):
                reducers[name] = item
    return reducers


def reducer_problems(model: type[BaseModel]) -> list[str]:
    """Annotated metadata that looks meant as a reducer but cannot take two arguments."""
    problems = []
    for name, info in model.model_fields.items():
        for item in info.metadata:
            if callable(item) and not isinstance(item, type) and not _takes_two(item):
                problems.append(
                    f"field {name!r} has reducer {qualified_name(item)}, which cannot be "
                    "called with two arguments (current value, update)"
                )
    return problems


def _takes_two(fn: Callable[..., Any]) -> bool:
    try:
        inspect.signature(fn).bind(None, None)
    except TypeError:
        return False
    except ValueError:  # no signature (some builtins): trust it
        return True
    return True


class PydanticCodec:
    """State as a Pydantic v2 model; `Annotated[T, reducer]` fields are reduced, not replaced."""

    def __init__(self, model: type[BaseModel], *, graph_name: str = "") -> None:
        self.model = model
        self.model_name = model.__name__
        self.graph_name = graph_name
        self._reducers = find_reducers(model)

    def json_schema(self) -> dict[str, Any]:
        return self.model.model_json_schema()

    def reducers(self) -> dict[str, str]:
        return {name: qualified_name(fn) for name, fn in self._reducers.items()}

    def validate_input(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        return self.model.model_validate(raw).model_dump(mode="json")

    def load(self, data: Mapping[str, Any]) -> BaseModel:
        try:
            return self.model.model_validate(data)
        except ValidationError as exc:
            raise StateMergeError(
                self.graph_name,
                "the run's state",
                f"is not a valid {self.model_name}: {summarise(exc)}",
            ) from exc

    def dump(self, loaded: Any) -> dict[str, Any]:
        if isinstance(loaded, BaseModel):
            # A handler may have assigned a wrong type in place; apply() reports it as invalid.
            return loaded.model_dump(mode="json", warnings=False)
        return dict(loaded)

    def apply(self, data: Mapping[str, Any], updates: Sequence[Update]) -> dict[str, Any]:
        if not updates:
            return dict(data)
        current = self.load(data)
        fields = type(current).model_fields
        values: dict[str, Any] = {name: getattr(current, name) for name in fields}
        written: dict[str, str] = {}
        for source, update in updates:
            for key, value in update.items():
                reducer = self._reducers.get(key)
                if reducer is not None:
                    values[key] = self._reduce(reducer, key, values.get(key), value, source)
                    continue
                if key in written:
                    raise StateMergeError(
                        self.graph_name,
                        source,
                        f"wrote field {key!r}, which {written[key]} also wrote in the same "
                        "superstep; a field written by parallel nodes needs a reducer, e.g. "
                        f"{key}: Annotated[list[...], operator.add]",
                    )
                written[key] = source
                values[key] = value
        try:
            return self.model.model_validate(values).model_dump(mode="json")
        except ValidationError as exc:
            sources = " and ".join(dict.fromkeys(source for source, _ in updates))
            raise StateMergeError(
                self.graph_name,
                sources,
                f"returned an update that makes the state invalid for {self.model_name}: "
                f"{summarise(exc)}",
            ) from exc

    def _reduce(self, reducer: Reducer, key: str, current: Any, value: Any, source: str) -> Any:
        try:
            return reducer(current, value)
        except Exception as exc:
            raise StateMergeError(
                self.graph_name,
                source,
                f"reducer {qualified_name(reducer)} of field {key!r} raised "
                f"{type(exc).__name__}: {exc}",
            ) from exc

    def output(self, data: Mapping[str, Any]) -> Any:
        return dict(data)


def summarise(exc: ValidationError) -> str:
    """Pydantic's errors as one line: 'loc: message; loc: message'."""
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level fields of `after` that are new or differ from `before` (what history carries)."""
    return {k: v for k, v in after.items() if k not in before or before[k] != v}


def removed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return [k for k in before if k not in after]
