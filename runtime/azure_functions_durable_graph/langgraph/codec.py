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
from ..graph.codec import PRIOR_STATE_KEY
from .errors import UnsupportedFeature
from .schemas import input_json_schema
from .serde import COMMAND_TAG, revive, to_json

#: Key a node wrapper adds to an update made by a `Send` task (LangGraph applies those last).
PUSH_MARK = "__langgraph_push__"
START_SOURCE = "__start__"
#: Key of an update holding the keys one task wrote several times: {key: [writes in order]}.
WRITES_MARK = "__langgraph_writes__"
#: Key of an update (and of the state after it, until the next step) holding the keys a
#: node returned that the state does not declare: LangGraph shows them to its path functions.
EXTRA_KEY = "__langgraph_extra__"


def join_key(sources: Sequence[str], target: str) -> str:
    """Hidden state key of a join (`add_edge([a, b], c)`): the sources done since c last ran.

    A source writes its name, the target writes None when it runs (it consumes the join).
    """
    return f"__join__:{'+'.join(sources)}:{target}"


def ran_key(target: str) -> str:
    """Hidden state key a join target writes on each step: True if it ran, False if the
    join was not complete yet (so its route, which sees this write, sends nowhere)."""
    return f"__ran__:{target}"


def trigger_key(target: str) -> str:
    """Hidden state key of a join target's own trigger: True once a plain edge or a goto
    reached it, until it runs (see joins.py)."""
    return f"__trigger__:{target}"


def kept_state_key(node: str) -> str:
    """Hidden state key keeping a stateful subgraph node's state between its calls."""
    return f"__subgraph_state__:{node}"


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
        targets = sorted({t for _, t in builder.waiting_edges if t != END})
        self._flags = [ran_key(t) for t in targets]
        self._triggers = [trigger_key(t) for t in targets]
        self._kept = [
            kept_state_key(name)
            for name, spec in builder.nodes.items()
            if isinstance(spec.runnable, CompiledStateGraph) and spec.runnable.checkpointer is True
        ]
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
        schema: dict[str, Any] = input_json_schema(self._compiled)
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

    def output_fields(self) -> list[str]:
        """The keys `compiled.invoke` returns (its output schema's): what a parent graph
        gets back from this graph used as a subgraph node."""
        return list(self._output_keys)

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
        source = data
        data = self._folded(data)
        hidden = {*self._joins, *self._flags, *self._triggers, *self._kept, EXTRA_KEY}
        values = {
            key: revive(value)
            for key, value in data.items()
            if key in self._channels or key in hidden
        }
        return LoadedState(values, source)

    def _folded(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """The first state of a stateful subgraph's call: its state from the previous call
        with this call's input applied through the channels, as LangGraph applies an input
        to a subgraph compiled with checkpointer=True."""
        if COMMAND_TAG in data:  # a Send's Command argument, sent to this graph as a subgraph
            raise StateMergeError(
                self.graph_name,
                "its start state",
                "a Send whose argument is a Command cannot start a subgraph node here; send "
                "the subgraph its input as a dict",
            )
        if PRIOR_STATE_KEY not in data:
            return data
        given = {k: v for k, v in data.items() if k in self._input_keys}
        return self.apply(data[PRIOR_STATE_KEY], [(START_SOURCE, given)])

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
        data = self._folded(data)
        ordered = sorted(updates, key=lambda u: (bool(u[1].get(PUSH_MARK)), _pull_key(u)))
        writes: dict[str, list[Any]] = defaultdict(list)
        writers: dict[str, list[str]] = defaultdict(list)
        for source, update in ordered:
            for key, value in _task_writes(update):
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
                    raise _named(
                        StateMergeError(
                            self.graph_name,
                            f"key {key!r} written by {' and '.join(writers[key])}",
                            str(exc),
                        ),
                        exc,
                    ) from exc
                except Exception as exc:  # a user reducer raised
                    raise _named(
                        StateMergeError(
                            self.graph_name,
                            f"the reducer of key {key!r}",
                            f"{type(exc).__name__}: {exc}",
                        ),
                        exc,
                    ) from exc
            if channel.is_available():
                values[key] = channel.get()
        values.update(self._hidden(data, [u for _, u in ordered]))
        extra = {k: v for _, u in ordered for k, v in (u.get(EXTRA_KEY) or {}).items()}
        if extra:
            values[EXTRA_KEY] = extra
        return self._to_json(", ".join(dict.fromkeys(s for s, _ in updates)) or "state", values)

    def _hidden(
        self, data: Mapping[str, Any], updates: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Join barriers (consumed first, then this step's finished sources, as in LangGraph),
        the join targets' ran flags (true if any task of the target ran) and their
        trigger flags (joins.py)."""
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
        for key in self._kept:  # stateful subgraphs' states: the last one returned
            kept = [u[key] for u in updates if key in u]
            if kept:
                values[key] = kept[-1]
            elif key in data:
                values[key] = data[key]
        for key in self._triggers:
            # Set this step (for the next), else consumed by the target, else kept.
            written = [bool(u[key]) for u in updates if key in u]
            if any(written) or (not written and data.get(key)):
                values[key] = True
        return values

    def output(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """What `compiled.invoke` returns: the output schema's keys that hold a value."""
        data = self._folded(data)
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


def _named(error: StateMergeError, cause: BaseException) -> StateMergeError:
    """The engine's error, named (in the run's `error_type`) as LangGraph's: the class
    `compiled.invoke` raises here (InvalidUpdateError, or the reducer's own)."""
    error.error_type = type(cause).__name__  # type: ignore[attr-defined]
    return error


def _task_writes(update: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """One task's writes in order: its update's keys, and each repeated key's writes."""
    writes = [(k, v) for k, v in update.items() if k != WRITES_MARK]
    for key, values in (update.get(WRITES_MARK) or {}).items():
        writes.extend((key, value) for value in values)
    return writes


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


__all__ = ["EXTRA_KEY", "PUSH_MARK", "WRITES_MARK", "LangGraphCodec", "LoadedState"]
