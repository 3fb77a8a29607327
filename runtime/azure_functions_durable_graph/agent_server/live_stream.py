"""A run's SSE events read from durable state, whole or followed live.

`RunFeed` reads what a run's stream is made of: the instance's status and step log
(through the Durable client) and, when the run asked for ``custom`` or ``messages``,
the stream channel (stream_channel.py); run_events.py turns them into LangGraph's
events. `follow` polls them while the run goes and sends what is new (each poll's
events extend the previous poll's: run_events with ``ended=False``), then the
terminal events once the run has ended or paused. It backs off while nothing comes
(`POLL_FIRST` to `POLL_MAX` seconds) and sends an SSE comment every
`HEARTBEAT_SECONDS` of silence, so a proxy keeps a quiet stream open. A poll costs a
status read without the run's input, a read of each execution's step-log entity, and
one channel read when the run publishes.

Superstep events come as the step log has them: a run whose client may follow it
live writes its log every superstep (``RunInput.step_log_live``, set by run_start.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .assistants import registered
from .durable_view import InstanceView, read_instance, refresh
from .run_events import STEP_LOG_MODES, Event, encode, run_events
from .stream_channel import publications
from .subgraph_events import subgraph_events
from .superstep_modes import superstep_modes_of
from .thread_state import ThreadNow, run_status

if TYPE_CHECKING:
    from .server import Call

logger = logging.getLogger("azure_functions_durable_graph.agent_server")

POLL_FIRST = 0.005
POLL_MAX = 0.1
HEARTBEAT_SECONDS = 15.0


def superstep_modes(modes: list[str]) -> bool:
    """Whether a run streaming `modes` needs its step log written every superstep."""
    return bool(STEP_LOG_MODES.intersection(modes))


class RunFeed:
    """The sources of one run's stream (`now`: the run's thread, for the checkpoints the
    superstep modes show)."""

    def __init__(self, call: Call, now: ThreadNow, entry: dict[str, Any]) -> None:
        self.call = call
        self.now = now
        self.instance_id = str(entry["instance_id"])
        self.modes = list((entry.get("kwargs") or {}).get("stream_mode") or ["values"])
        self.registration = registered(call, str(entry["graph_id"]))
        self.reducers = set(self.registration.manifest.reducers)
        self.published = publications(call.server.stores, entry, self.modes)
        self.view: InstanceView | None = None

    async def read(self, *, settled: bool) -> InstanceView:
        """The instance now, with its step log; `settled`: the run has ended, so wait for
        the log to hold its last steps (durable_view.py)."""
        if self.view is None or settled or self.view.status is None:
            self.view = await read_instance(self.call.client, self.instance_id, with_log=True)
        else:  # the input (log id, batching) is read once
            self.view = await refresh(self.call.client, self.view)
        return self.view

    async def events(self, entry: dict[str, Any], view: InstanceView, ended: bool) -> list[Event]:
        streamed = await self.published(None)
        extra = superstep_modes_of(self.now, entry, view, self.modes, self.registration)
        if (entry.get("kwargs") or {}).get("subgraphs"):
            client = self.call.client
            extra.children = await subgraph_events(
                client, self.registration, extra, self.modes, self.published
            )
        return run_events(entry, view, self.modes, self.reducers, streamed, extra, ended=ended)


async def whole(call: Call, now: ThreadNow, entry: dict[str, Any]) -> str:
    """Every event of a run that has ended (or paused), encoded."""
    feed = RunFeed(call, now, entry)
    return encode(await feed.events(entry, await feed.read(settled=True), ended=True))


async def follow(
    call: Call, reread: Callable[[], Awaitable[tuple[ThreadNow, dict[str, Any]]]]
) -> AsyncIterator[bytes]:
    """The run's events as they happen, then its outcome; `reread` gives the run's thread
    and entry (read again at the end: a cancel or a resume changes them)."""
    now, entry = await reread()
    feed = RunFeed(call, now, entry)
    sent: list[Event] = []
    delay, quiet = POLL_FIRST, 0.0
    try:
        while True:
            view = await feed.read(settled=False)
            if run_status(entry, view) not in ("pending", "running"):
                break
            events = await feed.events(entry, view, ended=False)
            if len(events) > len(sent):
                yield encode(events[len(sent) :]).encode()
                sent = events
                delay, quiet = POLL_FIRST, 0.0
                continue
            if quiet >= HEARTBEAT_SECONDS:
                yield b": heartbeat\n\n"
                quiet = 0.0
            await asyncio.sleep(delay)
            quiet += delay
            delay = min(delay * 1.5, POLL_MAX)
        feed.now, entry = await reread()
        events = await feed.events(entry, await feed.read(settled=True), ended=True)
    except Exception as exc:  # the headers are sent: the failure can only be an event
        logger.exception("following run %s failed", entry.get("run_id"))
        events = [*sent, ("error", {"error": type(exc).__name__, "message": str(exc)})]
    if events[: len(sent)] != sent:
        logger.warning("run %s: the live stream diverged from its log", entry.get("run_id"))
    yield encode(events[len(sent) :]).encode()
