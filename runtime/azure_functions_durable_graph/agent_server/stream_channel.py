"""The stream channel: what a node's activity streams (``custom`` writes, ``messages``
chunks) reaches the Agent Server's SSE answer through the app's store.

The channel is a companion of the app's store (agent_server/stores/selection.py), of the
same kind and kept apart from the clients' items: a SQLite file beside the local host's
store, the table ``LangGraphStoreStream`` in the ``AzureWebJobsStorage`` account on
Azure. Each event is one item under the namespace ``("Stream", run_id)``, keyed
``<superstep>.<time>.<task>.<seq>`` so the events of one superstep sort in the order
they were written, and come before the superstep's ``updates`` and ``values``
(LangGraph's order). A retried activity writes
its events again, as LangGraph's live stream shows a failed attempt's writes too.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from .stores.selection import StoreProvider
from .stores.serving import current_provider

#: The companion store's name (StoreProvider.companion) and its namespaces' first label.
STREAM_NAMESPACE = "Stream"
#: The configurable key holding the channel's modes a run publishes (custom, messages).
STREAM_MODES_KEY = "__durable_graph_stream_modes__"
#: How long stream events stay in the store (minutes), where the store expires items.
TTL_MINUTES = 24 * 60.0
#: The most events a run's stream reads back.
MAX_EVENTS = 100_000


def channel_modes(stream_modes: list[str]) -> list[str]:
    """The channel's modes among a run's stream modes (``messages-tuple`` is ``messages``)."""
    wanted = {"messages" if m == "messages-tuple" else m for m in stream_modes}
    return sorted(wanted & {"custom", "messages"})


def stream_publisher(
    run_id: str | None, superstep: int, subgraph_run: str | None = None
) -> Callable[[str, Any], None] | None:
    """`publish(mode, data)` for a task of Agent Server run `run_id` (of its subgraph run
    `subgraph_run`, whose instance id the events keep as ``ns``); None outside a run."""
    serving = current_provider()
    if not run_id or serving is None:
        return None
    provider = serving.companion(STREAM_NAMESPACE)
    task = uuid.uuid4().hex[:12]
    counter = itertools.count()
    namespace = (STREAM_NAMESPACE, run_id)

    def publish(mode: str, data: Any) -> None:
        store = provider.get()
        key = f"{superstep:08d}.{time.time_ns():020d}.{task}.{next(counter):08d}"
        ttl = TTL_MINUTES if store.supports_ttl else None
        value = {"mode": mode, "data": data}
        if subgraph_run is not None:
            value["ns"] = subgraph_run
        store.put(namespace, key, value, index=False, ttl=ttl)

    return publish


def streamed_events(
    provider: StoreProvider | None,
    run_id: str,
    since: datetime | None = None,
    subgraph_run: str | None = None,
) -> dict[int, list[Any]]:
    """The run's published events by superstep, each ``(mode, data)``, in order.

    `run_id` is the durable instance's (a resume continues its paused run's instance);
    `since` leaves out what was published before (by the run a resume continues);
    `subgraph_run`: the events of that subgraph run (by its supersteps), not the run's.
    """
    if provider is None:
        return {}
    store = provider.companion(STREAM_NAMESPACE).get()
    items = store.search((STREAM_NAMESPACE, run_id), limit=MAX_EVENTS, refresh_ttl=False)
    out: dict[int, list[Any]] = {}
    after = 0 if since is None else int(since.timestamp() * 1e9)
    for item in sorted(items, key=lambda i: i.key):
        step, written = (int(part) for part in item.key.split(".", 2)[:2])
        if written < after or item.value.get("ns") != subgraph_run:
            continue
        out.setdefault(step, []).append((item.value["mode"], item.value["data"]))
    return out


Publications = Callable[[str | None], Awaitable[dict[int, list[Any]]]]


def publications(
    provider: StoreProvider | None, entry: dict[str, Any], modes: list[str]
) -> Publications:
    """`read(subgraph_run)`: what Agent Server run `entry` (None) or one of its subgraph
    runs published; nothing when the run asked for none of the channel's modes (it
    published nothing, and the store is not opened)."""

    async def read(subgraph_run: str | None) -> dict[int, list[Any]]:
        if not channel_modes(modes):
            return {}
        since = datetime.fromisoformat(str(entry["created_at"]))
        instance_id = str(entry["instance_id"])
        return await asyncio.to_thread(streamed_events, provider, instance_id, since, subgraph_run)

    return read
