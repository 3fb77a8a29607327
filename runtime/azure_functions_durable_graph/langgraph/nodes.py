"""Node and route wrappers: a LangGraph node or branch as the engine's handler or route.

A node runs in its activity the way LangGraph's Pregel loop would run it: with
its input schema, a config carrying a runtime and a scratchpad (so
`langgraph.types.interrupt` and `get_config()` work), and its return turned into
a state update plus the `Command` gotos. `interrupt()` is answered by the
engine's own interrupt, so a run pauses and resumes as with the native one.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.runnables import Runnable
from langchain_core.runnables.config import var_child_runnable_config
from langgraph.channels.base import BaseChannel
from langgraph.constants import END
from langgraph.errors import GraphInterrupt, InvalidUpdateError
from langgraph.types import Command, Send
from pydantic import BaseModel

from ..graph.handoff import PARENT_COMMAND
from ..graph.interrupts import GraphInterrupt as EngineInterrupt
from ..graph.interrupts import interrupt as engine_interrupt
from ..graph.run_context import RunContext, current_run
from ..graph.types import Command as EngineCommand
from ..graph.types import Send as EngineSend
from ._private import (
    RESUME,
    TASKS,
    BranchSpec,
    get_cached_annotated_keys,
    get_update_as_tuples,
)
from .codec import EXTRA_KEY, PUSH_MARK, WRITES_MARK, LangGraphCodec, LoadedState, ran_key
from .config import managed_values, node_config, route_config, scratchpad, state_reader
from .joins import JoinIn
from .serde import revive, send_arg
from .streaming import call_node

_BRANCH_TO = "branch:to:"  # LangGraph's trigger channel of a node


class NodeRunner:
    """The engine handler of one LangGraph node."""

    def __init__(
        self,
        name: str,
        runnable: Runnable[Any, Any],
        input_keys: Sequence[str],
        input_schema: Any,
        channels: Mapping[str, BaseChannel[Any, Any, Any]],
        *,
        codec: LangGraphCodec,
        writes_out: Mapping[str, Any] | None = None,
        join_in: JoinIn | None = None,
        goto_triggers: Mapping[str, str] | None = None,
        routed: bool = False,
    ) -> None:
        self.name = name
        self._codec = codec
        self._routed = routed  # has path functions, which see undeclared keys it returns
        self._runnable = runnable
        self._input_keys = list(input_keys)
        self._mapper = _mapper(input_schema)
        self._channels = channels
        self._writes_out = dict(writes_out or {})  # join bookkeeping it writes (joins.py)
        self._join_in = join_in  # the join this node is the target of
        self._goto_triggers = dict(goto_triggers or {})  # join target -> its trigger flag
        self.__name__ = name  # shown by the engine's error messages and logs

    async def __call__(self, value: Any) -> EngineCommand:
        pushed = not isinstance(value, LoadedState)
        joined: dict[str, Any] = {}
        if self._join_in is not None and not pushed:  # a Send runs the node in any case
            join = self._join_in
            seen = set(value.get(join.key) or ())
            triggered = bool(value.get(join.trigger))
            complete = join.sources <= seen
            if not triggered and not seen:
                raise InvalidUpdateError(
                    f"node {self.name!r} is the target of a join of {sorted(join.sources)} "
                    "and was reached by a path function, which the durable runtime cannot "
                    "tell from the join; reach it through a plain edge or the join"
                )
            if not triggered and not complete:
                # Activated by one source of a join the others have not reached yet:
                # LangGraph would not run the node this step, so nothing runs.
                return EngineCommand(update={ran_key(self.name): False})
            joined = {ran_key(self.name): True}
            if complete:
                joined[join.key] = None  # the barrier is consumed, as LangGraph's is
            if triggered:
                joined[join.trigger] = False
        elif self._join_in is not None:
            joined = {ran_key(self.name): True}
        run = current_run()
        scratchpad = _Scratchpad(run, self._codec)
        managed = managed_values(self._input_keys, self._codec, scratchpad.pad)
        read_state: Callable[[], Any] | None = None
        data = value.source if isinstance(value, LoadedState) else run.state
        if pushed:
            node_input = revive(value)  # a Send's argument, passed as is (LangGraph does too)
            if run.state is not None:
                state = self._codec.load(run.state)

                def read_state() -> Any:
                    return self._read(state, managed)

        else:
            node_input = self._read(value, managed)
        sent: list[tuple[str, Any]] = []  # writes a runnable makes itself (ChannelWrite)
        read = state_reader(self._codec, data, sent, managed) if data is not None else None
        config = node_config(
            self.name,
            run=run,
            codec=self._codec,
            pad=scratchpad.pad,
            send=sent.extend,
            pushed=pushed,
            read=read,
            read_state=read_state,
        )
        # get_config() (which interrupt() calls) reads this context variable, as under Pregel.
        token = var_child_runnable_config.set(config)
        try:
            result = await call_node(self._runnable, self.name, node_input, config)
        except GraphInterrupt as pause:
            interrupts = pause.args[0] if pause.args else ()
            value_shown = interrupts[0].value if interrupts else None
            raise EngineInterrupt(value_shown, scratchpad.pending_index) from None
        finally:
            var_child_runnable_config.reset(token)
        # Writes sent while the node ran come first, as in Pregel (its return is written last).
        items = [*_sent_writes(sent), *_as_items(result)]
        handed = parent_command(items)
        if handed is not None:  # the node commands the parent graph: this run ends here
            return EngineCommand(update={PARENT_COMMAND: handed})
        update, goto = _split(items, self._channels)
        update.update(joined)
        for target in goto:
            if isinstance(target, str) and target in self._goto_triggers:
                update[self._goto_triggers[target]] = True
        if self._routed and isinstance(result, dict):
            extra = {k: v for k, v in result.items() if k not in self._channels}
            if extra:
                update[EXTRA_KEY] = extra
        update.update(self._writes_out)
        if pushed:
            update[PUSH_MARK] = True
        return EngineCommand(update=update, goto=goto or None)

    def _read(self, state: Mapping[str, Any], managed: Mapping[str, Any]) -> Any:
        """The node's input from the state: its input schema's keys and managed values.

        A copy: LangGraph nodes change the state only through what they return.
        """
        picked = {k: copy.deepcopy(state[k]) for k in self._input_keys if k in state}
        picked.update(managed)
        return self._mapper(picked) if self._mapper is not None else picked


class _Scratchpad:
    """LangGraph's per-task scratchpad (the run's step and stop), its resume values drawn
    from the engine's interrupt."""

    def __init__(self, run: RunContext, codec: LangGraphCodec) -> None:
        self.pending_index = 0
        self._asked = 0
        self.pad = scratchpad(run, codec, self._next_resume)

    def _next_resume(self, consume: bool = False) -> Any:
        # LangGraph asks once per interrupt() call, in order; so does the engine's counter.
        index = self._asked
        self._asked += 1
        try:
            value = engine_interrupt(None)
        except EngineInterrupt:
            value = None
        if value is None:  # LangGraph reads None as "not answered yet"
            self.pending_index = index
        return value


def _sent_writes(sent: Sequence[tuple[str, Any]]) -> list[Any]:
    """Writes sent through the config (as Pregel's ChannelWrite does) as returns would be."""
    items: list[Any] = []
    for channel, value in sent:
        if channel == RESUME:
            continue  # interrupt() recording its answers; the engine keeps them
        if channel == TASKS:
            items.append(Command(goto=value))
        elif channel.startswith(_BRANCH_TO):
            items.append(Command(goto=channel.removeprefix(_BRANCH_TO)))
        else:
            items.append(Command(update={channel: value}))
    return items


def _as_items(result: Any) -> list[Any]:
    if isinstance(result, (list, tuple)) and any(isinstance(i, Command) for i in result):
        return list(result)
    return [result]


def _mapper(schema: Any) -> Callable[[dict[str, Any]], Any] | None:
    """LangGraph builds Pydantic and dataclass inputs from the state dict; TypedDicts stay dicts."""
    if inspect.isclass(schema) and (
        issubclass(schema, BaseModel) or dataclasses.is_dataclass(schema)
    ):
        return lambda values: schema(**values)
    return None


def _split(
    items: Sequence[Any], channels: Mapping[str, BaseChannel[Any, Any, Any]]
) -> tuple[dict[str, Any], list[Any]]:
    """A node's return as (update, goto), by LangGraph's rules (`_get_updates`, `_control_branch`).

    Raises:
        InvalidUpdateError: as LangGraph raises it, for a return that is no update.
    """
    writes: list[tuple[str, Any]] = []
    goto: list[Any] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, Command):
            writes.extend(item._update_as_tuples())
            goto.extend(_gotos(item.goto))
        elif isinstance(item, dict):
            writes.extend(item.items())
        elif get_cached_annotated_keys(type(item)):
            writes.extend(get_update_as_tuples(item, list(channels)))
        else:
            raise InvalidUpdateError(f"Expected dict, got {item!r}")
    return _merge(writes, channels), goto


def parent_command(items: Sequence[Any]) -> dict[str, Any] | None:
    """A `Command(graph=Command.PARENT)` among a node's returns, as the parent's update
    and targets (graph/handoff.py); LangGraph raises it out of the subgraph, so the
    node's other writes are dropped."""
    for item in items:
        if isinstance(item, Command) and item.graph == Command.PARENT:
            update: dict[str, Any] = {}
            for key, value in item._update_as_tuples():
                update.setdefault(key, []).append(value)
            targets = [
                {"node": g.node, "arg": g.arg} if isinstance(g, EngineSend) else {"node": g}
                for g in _gotos(item.goto)
            ]
            return {"update": _parent_update(update), "goto": targets}
    return None


def _parent_update(writes: Mapping[str, list[Any]]) -> dict[str, Any]:
    # One write per key is the common case; several go as a list the parent applies in turn.
    if any(len(values) > 1 for values in writes.values()):
        raise InvalidUpdateError(
            "Command(graph=Command.PARENT) wrote a key several times; the durable runtime "
            "passes one value per key to the parent graph"
        )
    return {key: values[0] for key, values in writes.items()}


def _merge(
    writes: Sequence[tuple[str, Any]], channels: Mapping[str, BaseChannel[Any, Any, Any]]
) -> dict[str, Any]:
    """Writes as one update dict. A key written more than once goes, with all its writes in
    order, under `WRITES_MARK`: the codec hands them to the channel as LangGraph's task
    writes (so `Overwrite`, `RemoveMessage` and the one-value rule of plain keys apply)."""
    update: dict[str, Any] = {}
    repeated: dict[str, list[Any]] = {}
    for key, value in writes:
        if key not in channels:
            continue  # LangGraph drops keys the state does not declare
        if key in repeated:
            repeated[key].append(value)
        elif key in update:
            repeated[key] = [update.pop(key), value]
        else:
            update[key] = value
    if repeated:
        update[WRITES_MARK] = repeated
    return update


def _gotos(goto: Any) -> list[Any]:
    items = [goto] if isinstance(goto, (str, Send)) else list(goto or ())
    return [_destination(g) for g in items if g != END]


def _destination(target: Any) -> Any:
    if isinstance(target, Send):
        return EngineSend(target.node, send_arg(target.arg))
    return target


class BranchRouter:
    """The engine route of a LangGraph node: its static edges and its conditional edges.

    The engine calls it on the state before the superstep plus this node's own
    update, which is what LangGraph's branch reader sees.
    """

    def __init__(
        self,
        name: str,
        static: Sequence[str],
        branches: Sequence[tuple[BranchSpec, Sequence[str], Any]],
        *,
        codec: LangGraphCodec,
        join_target: bool = False,
    ) -> None:
        self.name = name
        self._codec = codec
        self._static = [t for t in static if t != END]
        self._branches = list(branches)
        self._join_target = join_target
        self.__name__ = f"{name}_route"

    async def __call__(self, state: Any) -> list[Any]:
        if self._join_target and state.get(ran_key(self.name)) is False:
            return []  # the node did not run: its join was not complete
        targets: list[Any] = list(self._static)
        run = current_run()
        config, pad = route_config(run, self._codec, self.name)
        for branch, keys, schema in self._branches:
            picked = {k: copy.deepcopy(state[k]) for k in keys if k in state}
            picked.update(managed_values(list(keys), self._codec, pad))
            mapper = _mapper(schema)
            # LangGraph passes a dict state's path function the keys its node returned
            # that the state does not declare, under the state's own values.
            extra = copy.deepcopy(state.get(EXTRA_KEY) or {})
            if mapper is not None:
                value = mapper(picked)
            else:
                value = {**extra, **picked} if branch.input_schema is None else picked
            token = var_child_runnable_config.set(config)
            try:
                result = await branch.path.ainvoke(value, config)
            finally:
                var_child_runnable_config.reset(token)
            results = result if isinstance(result, (list, tuple)) else [result]
            for item in results:
                if isinstance(item, Send):
                    if item.node == END:
                        raise InvalidUpdateError("Cannot send a packet to the END node")
                    targets.append(EngineSend(item.node, send_arg(item.arg)))
                    continue
                destination = branch.ends[item] if branch.ends else item
                if destination is None or destination == "__start__":
                    raise ValueError("Branch did not return a valid destination")
                if destination != END:
                    targets.append(destination)
        return targets
