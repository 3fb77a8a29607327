"""LangGraphCodec: the engine's StateCodec over a StateGraph's channels.

The run's state is the JSON of every channel that holds a value (so a key no
node and no input set stays absent, as in LangGraph). Updates go through
LangGraph's own channel objects, so reducers (`operator.add`, `add_messages`,
`Overwrite`) and the one-writer-per-step rule of plain keys behave exactly as
in LangGraph, and a superstep's writes are applied in LangGraph's task order.
Joins add hidden keys (`join_key`, `ran_key`) that the output leaves out.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from langgraph.channels.base import BaseChannel
from langgraph.channels.binop import BinaryOperatorAggregate
from langgraph.channels.last_value import LastValue
from langgraph.constants import END
from langgraph.errors import InvalidUpdateError
from langgraph.graph.message import Messages, add_messages
from langgraph.graph.state import CompiledStateGraph
from pydantic import BaseModel, TypeAdapter, create_model
from pydantic_core import PydanticSerializationError

from ..errors import StateMergeError
from .errors import UnsupportedFeature
from .serde import revive, to_json

#: Key a node wrapper adds to an update made by a `Send` task (LangGraph applies those last).
PUSH_MARK = "__langgraph_push__"
START_SOURCE = "__start__"


def join_key(sources: Sequence[str], target: str) -> str:
    """Hidden state key of a join (`add_edge([a, b], c)`): the sources done since c last ran.

    A source writes its name, the target writes None when it runs (it consumes the join).
    """
    return f"__join__:{'+'.join(sources)}:{target}"


def ran_key(target: str) -> str:
    """Hidden state key a join target writes on each step: True if it ran, False if the
    join was not complete yet (so its route, which sees this write, sends nowhere)."""
    return f"__ran__:{target}"


class LoadedState(dict[str, Any]):
    """The channel values a node or route gets; remembers the JSON it was loaded from.

    Nodes change the state only through what they return (as in LangGraph), so
    `dump` gives back that JSON: nothing a node does to its copy is an update.
    """

    def __init__(self, values: Mapping[str, Any], source: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.source = dict(source)


def _missing() -> Any:
    from ._private import MISSING

    return MISSING


class LangGraphCodec:
    """State JSON <-> LangGraph channel values, for one compiled StateGraph."""

    def __init__(self, graph_name: str, compiled: CompiledStateGraph[Any, Any, Any, Any]) -> None:
        builder = compiled.builder
        self.graph_name = graph_name
        self.model_name: str = getattr(builder.state_schema, "__name__", "State")
        self._compiled = compiled
        if builder.managed:
            raise UnsupportedFeature(
                graph_name,
                f"managed values ({', '.join(sorted(builder.managed))})",
                "they are computed by LangGraph's Pregel loop, which does not run here",
            )
        if "__root__" in builder.channels:
            raise UnsupportedFeature(
                graph_name,
                f"a state schema without keys ({builder.state_schema!r})",
                "the durable state is a JSON object; use a TypedDict, dataclass or Pydantic model",
            )
        for key, channel in builder.channels.items():
            if type(channel) not in (LastValue, BinaryOperatorAggregate):
                raise UnsupportedFeature(
                    graph_name,
                    f"the {type(channel).__name__} channel of state key {key!r}",
                    "only plain keys (LastValue) and reducers (BinaryOperatorAggregate) "
                    "are carried between activities",
                )
        self._channels: dict[str, BaseChannel[Any, Any, Any]] = dict(builder.channels)
        self._joins = [join_key(s, t) for s, t in sorted(builder.waiting_edges) if t != END]
        self._flags = [ran_key(t) for t in sorted({t for _, t in builder.waiting_edges})]
        self._input_keys = [k for k in builder.schemas[builder.input_schema] if k in self._channels]
        self._output_keys = [
            k for k in builder.schemas[builder.output_schema] if k in self._channels
        ]
        self._input_validator = _input_validator(
            builder.input_schema, {k: self._channels[k] for k in self._input_keys}
        )

    # -- what the manifest shows ----------------------------------------------------------

    def json_schema(self) -> dict[str, Any]:
        """The graph's input schema, as LangGraph describes it (`get_input_jsonschema`).

        A TypedDict's keys are all optional, as `validate_input` (and `invoke`) take them.
        """
        schema: dict[str, Any] = self._compiled.get_input_jsonschema()
        input_schema = self._compiled.builder.input_schema
        if not (inspect.isclass(input_schema) and issubclass(input_schema, BaseModel)) and not (
            dataclasses.is_dataclass(input_schema)
        ):
            schema.pop("required", None)
        return schema

    def reducers(self) -> dict[str, str]:
        """Each reducer key and the qualified name of its reducer."""
        return {
            key: _qualified_name(channel.operator)
            for key, channel in self._channels.items()
            if isinstance(channel, BinaryOperatorAggregate)
        }

    # -- the run's state ------------------------------------------------------------------

    def validate_input(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The start input (what `compiled.invoke` takes) -> the first state.

        Raises:
            pydantic.ValidationError: the input does not fit the graph's input schema.
        """
        self._input_validator(raw)
        start = {k: raw[k] for k in self._input_keys if k in raw}
        return self.apply({}, [(START_SOURCE, start)])

    def load(self, data: Mapping[str, Any]) -> LoadedState:
        """The channel values (messages revived), as LangGraph's channels would hold them."""
        hidden = {*self._joins, *self._flags}
        values = {
            key: revive(value)
            for key, value in data.items()
            if key in self._channels or key in hidden
        }
        return LoadedState(values, data)

    def dump(self, loaded: Any) -> dict[str, Any]:
        """The JSON a loaded state came from, or the JSON of channel values."""
        if isinstance(loaded, LoadedState):
            return dict(loaded.source)
        dumped: dict[str, Any] = self._to_json(START_SOURCE, dict(loaded))
        return dumped

    def apply(
        self, data: Mapping[str, Any], updates: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> dict[str, Any]:
        """Apply one superstep's updates through the channels, in LangGraph's task order.

        LangGraph orders a step's writes by task path: triggered nodes by name, then
        `Send` tasks in the order they were sent. Keys the state does not declare are
        dropped, as LangGraph drops them.

        Raises:
            StateMergeError: two writers of a plain key in one step, or a reducer failed.
        """
        ordered = sorted(updates, key=lambda u: (bool(u[1].get(PUSH_MARK)), _pull_key(u)))
        writes: dict[str, list[Any]] = defaultdict(list)
        writers: dict[str, list[str]] = defaultdict(list)
        for source, update in ordered:
            for key, value in update.items():
                if key in self._channels:
                    writes[key].append(revive(value))
                    writers[key].append(source)
        values: dict[str, Any] = {}
        for key, spec in self._channels.items():
            current = revive(data[key]) if key in data else _missing()
            channel = spec.from_checkpoint(current)
            if key in writes:
                try:
                    channel.update(writes[key])
                except InvalidUpdateError as exc:
                    raise StateMergeError(
                        self.graph_name,
                        f"key {key!r} written by {' and '.join(writers[key])}",
                        str(exc),
                    ) from exc
                except Exception as exc:  # a user reducer raised
                    raise StateMergeError(
                        self.graph_name,
                        f"the reducer of key {key!r}",
                        f"{type(exc).__name__}: {exc}",
                    ) from exc
            if channel.is_available():
                values[key] = channel.get()
        values.update(self._hidden(data, [u for _, u in ordered]))
        return self._to_json(", ".join(dict.fromkeys(s for s, _ in updates)) or "state", values)

    def _hidden(
        self, data: Mapping[str, Any], updates: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Join barriers (consumed first, then this step's finished sources, as in LangGraph)
        and the join targets' ran flags (true if any task of the target ran)."""
        values: dict[str, Any] = {}
        for key in self._joins:
            written = [u[key] for u in updates if key in u]
            seen = set(data[key]) if key in data else None
            if None in written:
                seen = set()
            names = {w for w in written if isinstance(w, str)}
            if seen is not None or names:
                values[key] = sorted((seen or set()) | names)
        for key in self._flags:
            flags = [bool(u[key]) for u in updates if key in u]
            if flags:
                values[key] = any(flags)
            elif key in data:
                values[key] = data[key]
        return values

    def output(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """What `compiled.invoke` returns: the output schema's keys that hold a value."""
        return {key: data[key] for key in self._output_keys if key in data}

    def _to_json(self, source: str, values: Mapping[str, Any]) -> dict[str, Any]:
        try:
            dumped: dict[str, Any] = to_json(values)
        except PydanticSerializationError as exc:
            raise StateMergeError(
                self.graph_name,
                source,
                f"the state must be JSON-serialisable to be kept durably: {exc}",
            ) from exc
        return dumped


def _pull_key(update: tuple[str, Mapping[str, Any]]) -> str:
    # Send tasks keep their relative (trigger) order: the stable sort compares "" for them.
    return "" if update[1].get(PUSH_MARK) else update[0]


def _qualified_name(function: Any) -> str:
    module = getattr(function, "__module__", None) or type(function).__module__
    name = getattr(function, "__qualname__", None) or type(function).__qualname__
    return f"{module}.{name}"


def _update_type(channel: BaseChannel[Any, Any, Any]) -> Any:
    # add_messages takes any message-like value ({"role": "user", ...}, a string, a tuple).
    if isinstance(channel, BinaryOperatorAggregate) and channel.operator is add_messages:
        return Messages
    return channel.UpdateType


def _input_validator(schema: Any, channels: Mapping[str, BaseChannel[Any, Any, Any]]) -> Any:
    """A function raising pydantic.ValidationError when a start input does not fit `schema`.

    Pydantic models and dataclasses validate as such (LangGraph builds them from the state
    before the first node runs); TypedDict keys are all optional, as in `invoke`, but the
    ones given must have their declared type.
    """
    if inspect.isclass(schema) and issubclass(schema, BaseModel):
        return schema.model_validate
    if dataclasses.is_dataclass(schema):
        return TypeAdapter(schema).validate_python
    fields: dict[str, Any] = {
        key: (_update_type(channel), None) for key, channel in channels.items()
    }
    model = create_model(str(getattr(schema, "__name__", "Input")), **fields)

    def validate(raw: Mapping[str, Any]) -> None:
        model.model_validate(raw)

    return validate


__all__ = ["PUSH_MARK", "LangGraphCodec", "LoadedState"]
