"""LangGraphCodec: the engine's StateCodec over a StateGraph's channels.

The run's state is the JSON of every channel that holds something (so a key no
node and no input set stays absent, as in LangGraph; channels.py says how each
channel type is kept). Updates go through LangGraph's own channel objects, so
reducers (`operator.add`, `add_messages`, `Overwrite`), the one-writer-per-step rule
of plain keys and every other channel type behave exactly as in LangGraph, and a
superstep's writes are applied in LangGraph's task order. Joins add hidden keys
(`join_key`, `ran_key`) that the output leaves out. The codec also knows the run's
other inputs: the `context_schema` a run's context is checked against, and the
step limit LangGraph's `recursion_limit` sets.
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
from ..graph.handoff import PARENT_COMMAND
from . import channels
from .errors import UnsupportedFeature
from .limits import recursion_error, recursion_limit
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


class LangGraphCodec:
    """State JSON <-> LangGraph channel values, for one compiled StateGraph."""

    def __init__(self, graph_name: str, compiled: CompiledStateGraph[Any, Any, Any, Any]) -> None:
        builder = compiled.builder
        self.graph_name = graph_name
        self.model_name: str = getattr(builder.state_schema, "__name__", "State")
        self._compiled = compiled
        if "__root__" in builder.channels:
            raise UnsupportedFeature(
                graph_name,
                f"a state schema without keys ({builder.state_schema!r})",
                "the durable state is a JSON object; use a TypedDict, dataclass or Pydantic model",
            )
        refused = channels.unsupported(builder.channels)
        if refused:
            raise UnsupportedFeature(
                graph_name,
                f"the channel types of state keys {', '.join(refused)}",
                f"the durable state keeps LangGraph's own channel types "
                f"({', '.join(c.__name__ for c in channels.SUPPORTED)}; checked with "
                f"LangGraph {channels.TESTED_LANGGRAPH}, installed "
                f"{channels.langgraph_version()})",
            )
        self.managed: dict[str, Any] = dict(builder.managed)
        self.context_schema: Any = builder.context_schema
        #: Supersteps the engine runs before LangGraph's first step (the no-op START node).
        self.start_offset = 0
        #: The recursion limit of runs whose config sets none (None: LangGraph's default).
        self.default_recursion_limit: int | None = None
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

    @property
    def compiled(self) -> CompiledStateGraph[Any, Any, Any, Any]:
        """The compiled graph (the Agent Server API describes its schemas from it)."""
        return self._compiled

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
        """Each reducer key and the qualified name of its reducer; keys of other channel
        types than plain keys (LastValue) with the channel's class (both part of the hash)."""
        kinds: dict[str, str] = {}
        for key, channel in self._channels.items():
            if isinstance(channel, BinaryOperatorAggregate):
                kinds[key] = _qualified_name(channel.operator)
            elif type(channel) is not LastValue:
                kinds[key] = _qualified_name(type(channel))
        return kinds

    # -- the run's inputs beyond the state (LangGraph's config and context) -------------------

    def validate_context(self, raw: Any) -> None:
        """Check a run's `context` against the graph's `context_schema` (as
        `compiled.invoke(context=...)` takes it: a dict for a dataclass or Pydantic model).

        Raises:
            pydantic.ValidationError: the context does not fit.
        """
        if self.context_schema is None or raw is None:
            return
        TypeAdapter(self.context_schema).validate_python(raw)

    def context_json_schema(self) -> dict[str, Any]:
        """The `context_schema` as JSON schema (empty, any value, without one)."""
        if self.context_schema is None:
            return {}
        try:
            schema: dict[str, Any] = TypeAdapter(self.context_schema).json_schema()
        except Exception:  # a schema pydantic cannot describe: any value
            return {}
        return schema

    def runtime_context(self, raw: Any) -> Any:
        """The context a node's `runtime.context` holds: LangGraph builds a dataclass or
        Pydantic `context_schema` from a dict, and passes anything else as it is."""
        schema = self.context_schema
        if raw is None or schema is None or not isinstance(raw, dict):
            return raw
        if (inspect.isclass(schema) and issubclass(schema, BaseModel)) or (
            dataclasses.is_dataclass(schema)
        ):
            return schema(**raw)  # type: ignore[operator]
        return raw

    def recursion_limit(self, config: Mapping[str, Any]) -> int:
        """The `recursion_limit` of a run with this config (limits.py)."""
        return recursion_limit(config, self.default_recursion_limit)

    def step_limit(self, config: Mapping[str, Any]) -> tuple[int, str]:
        """Supersteps a run with this config may take, and the message of LangGraph's
        GraphRecursionError past them (the orchestrator names it GraphRecursionError).

        With `recursion_limit` L, LangGraph runs nodes in its steps 1..L and fails when a
        step L+1 would start; a graph that needs L steps fails too (its loop checks the limit
        before it sees there is nothing left to do). So the engine may complete L-1 of
        LangGraph's steps, plus its no-op START node if the graph has one.
        """
        limit = self.recursion_limit(config)
        return limit - 1 + self.start_offset, recursion_error(limit)

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

    def restore(self, data: Mapping[str, Any]) -> dict[str, BaseChannel[Any, Any, Any]]:
        """The state's channels, as LangGraph's channel objects."""
        return channels.restore(self._channels, self._folded(data))

    def load(self, data: Mapping[str, Any]) -> LoadedState:
        """The channel values (messages revived), as LangGraph's channels would hold them."""
        source = data
        data = self._folded(data)
        values = channels.values(channels.restore(self._channels, data))
        hidden = (*self._joins, *self._flags, *self._triggers, *self._kept, EXTRA_KEY)
        values.update({k: revive(data[k]) for k in hidden if k in data})
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
        restored = channels.restore(self._channels, data)
        for key, written in writes.items():
            try:
                restored[key].update(written)
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
        channels.bump(restored, set(writes))
        values = channels.stored(restored)
        for _, update in ordered:  # a node commanded the parent graph (graph/handoff.py)
            if PARENT_COMMAND in update:
                values[PARENT_COMMAND] = update[PARENT_COMMAND]
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
        """What `compiled.invoke` returns: the output schema's keys that hold a value once the
        channels were told the run finished."""
        restored = channels.restore(self._channels, self._folded(data))
        channels.finish(restored)
        shown = channels.values({k: restored[k] for k in self._output_keys})
        dumped: dict[str, Any] = self._to_json("the output", shown)
        return dumped

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
