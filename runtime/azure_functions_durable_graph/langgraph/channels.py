"""A StateGraph's channels between activities: LangGraph's own channel objects, kept as JSON.

Each state key is one of LangGraph's channel objects. A superstep is applied the
way Pregel's `apply_writes` does it: every channel is rebuilt with
`from_checkpoint`, written with `update(writes)` in task order, channels not written
get `update([])` (so an `EphemeralValue` or a non-accumulating `Topic` clears a step
after it was set), and when the run ends `finish()` is called (a
`NamedBarrierValueAfterFinish` becomes available). Their semantics are therefore
LangGraph's by construction; this module only says how each one's checkpoint is
written as JSON:

- most channels: `checkpoint()` as JSON (for `LastValue` and reducers that is the
  value itself, so the durable state reads like the graph's state);
- `UntrackedValue` and `DeltaChannel`: their value (`get()`); LangGraph keeps the
  first only in memory during a run (so it is lost when a run resumes from a
  checkpoint, and here it is not) and rebuilds the second from its writes; both
  need the value to cross activities;
- barriers: their seen names as a sorted list (a set has no JSON form), and
  ``{"value"|"seen", "finished"}`` for the after-finish variants.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import langgraph
from langgraph.channels.any_value import AnyValue
from langgraph.channels.base import BaseChannel
from langgraph.channels.binop import BinaryOperatorAggregate
from langgraph.channels.ephemeral_value import EphemeralValue
from langgraph.channels.last_value import LastValue, LastValueAfterFinish
from langgraph.channels.named_barrier_value import (
    NamedBarrierValue,
    NamedBarrierValueAfterFinish,
)
from langgraph.channels.topic import Topic
from langgraph.channels.untracked_value import UntrackedValue

from ._private import MISSING
from .serde import revive

try:  # DeltaChannel is in beta (LangGraph 1.2)
    from langgraph.channels.delta import DeltaChannel
except ImportError:  # pragma: no cover - older LangGraph
    DeltaChannel = None  # type: ignore[assignment,misc]

Channel = BaseChannel[Any, Any, Any]

#: The channel types whose behaviour the durable state keeps, exactly these classes.
SUPPORTED: tuple[type[Any], ...] = tuple(
    c
    for c in (
        LastValue,
        AnyValue,
        EphemeralValue,
        UntrackedValue,
        Topic,
        BinaryOperatorAggregate,
        NamedBarrierValue,
        NamedBarrierValueAfterFinish,
        LastValueAfterFinish,
        DeltaChannel,
    )
    if c is not None
)
#: The LangGraph release the channel semantics were checked against (tests/langgraph).
TESTED_LANGGRAPH = "1.2"


def langgraph_version() -> str:
    return str(getattr(langgraph, "__version__", "") or _installed_version())


def _installed_version() -> str:
    from importlib.metadata import version

    return version("langgraph")


def unsupported(channels: Mapping[str, Channel]) -> list[str]:
    """Keys whose channel type is not one the durable state keeps (by exact class)."""
    return [
        f"{key} ({type(ch).__name__})" for key, ch in channels.items() if type(ch) not in SUPPORTED
    ]


def encode(channel: Channel) -> Any:
    """What the durable state keeps of a channel (a Python value, before JSON); MISSING: nothing."""
    if isinstance(channel, UntrackedValue) or (
        DeltaChannel is not None and isinstance(channel, DeltaChannel)
    ):
        return channel.get() if channel.is_available() else MISSING
    stored = channel.checkpoint()
    if stored is MISSING:
        return MISSING
    if isinstance(channel, NamedBarrierValueAfterFinish):
        seen, finished = stored
        return {"seen": _names(seen), "finished": finished}
    if isinstance(channel, NamedBarrierValue):
        return _names(stored) if stored else MISSING
    if isinstance(channel, LastValueAfterFinish):
        value, finished = stored
        return {"value": value, "finished": finished}
    if isinstance(channel, Topic) and not stored:
        return MISSING  # an empty topic holds nothing, as a fresh one
    return stored


def decode(spec: Channel, data: Mapping[str, Any], key: str) -> Channel:
    """The channel `spec` restored from the durable state's JSON."""
    if key not in data:
        return spec.from_checkpoint(MISSING)
    stored = revive(data[key])
    if isinstance(spec, NamedBarrierValueAfterFinish):
        stored = (set(stored["seen"]), bool(stored["finished"]))
    elif isinstance(spec, NamedBarrierValue):
        stored = set(stored)
    elif isinstance(spec, LastValueAfterFinish):
        stored = (stored["value"], bool(stored["finished"]))
    elif isinstance(spec, UntrackedValue):
        # Never checkpointed by LangGraph (from_checkpoint starts empty): the in-memory
        # value of the run is written back as the one write of a step.
        channel = spec.from_checkpoint(MISSING)
        channel.update([stored])
        return channel
    return spec.from_checkpoint(stored)


def restore(specs: Mapping[str, Channel], data: Mapping[str, Any]) -> dict[str, Channel]:
    return {key: decode(spec, data, key) for key, spec in specs.items()}


def values(channels: Mapping[str, Channel]) -> dict[str, Any]:
    """What a node reads: each available channel's value."""
    return {key: ch.get() for key, ch in channels.items() if ch.is_available()}


def stored(channels: Mapping[str, Channel]) -> dict[str, Any]:
    """The durable state (before JSON) of restored channels."""
    kept = {key: encode(ch) for key, ch in channels.items()}
    return {key: value for key, value in kept.items() if value is not MISSING}


def bump(channels: Mapping[str, Channel], written: set[str]) -> None:
    """Tell channels not written this step that a step passed (Pregel's `update([])`)."""
    for key, channel in channels.items():
        if key not in written and channel.is_available():
            channel.update(())


def finish(channels: Mapping[str, Channel]) -> None:
    """The run ends after this step: Pregel's `finish()` on every channel."""
    for channel in channels.values():
        channel.finish()


def _names(seen: Any) -> list[Any]:
    return sorted(seen, key=repr)


__all__ = [
    "SUPPORTED",
    "TESTED_LANGGRAPH",
    "bump",
    "decode",
    "encode",
    "finish",
    "restore",
    "stored",
    "unsupported",
    "values",
]
