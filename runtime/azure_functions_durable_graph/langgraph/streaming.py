"""A node's `get_stream_writer()` and chat-model token callbacks, for an Agent Server run
that streams ``custom`` or ``messages``: they publish to the run's stream channel
(agent_server/stream_channel.py). Elsewhere the writer drops what it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.runnables.config import get_async_callback_manager_for_config, patch_config
from langgraph.pregel._messages import StreamMessagesHandler

from ..agent_server.stream_channel import STREAM_MODES_KEY, stream_publisher
from ..durable.superstep import SUBGRAPH_RUN_KEY
from .serde import to_json


def _drop(_: Any) -> None:
    return None


def stream_hooks(
    configurable: Mapping[str, Any], superstep: int
) -> tuple[Callable[[Any], None], list[Any]]:
    """(stream writer, callbacks) for a task of the run `configurable` belongs to."""
    modes = configurable.get(STREAM_MODES_KEY) or ()
    run_id = configurable.get("run_id")
    child = configurable.get(SUBGRAPH_RUN_KEY)
    publish = stream_publisher(
        run_id if isinstance(run_id, str) else None,
        superstep,
        child if isinstance(child, str) else None,
    )
    if publish is None or not modes:
        return _drop, []
    writer: Callable[[Any], None] = _drop
    if "custom" in modes:

        def writer(value: Any) -> None:
            publish("custom", to_json(value, fallback=str))

    callbacks: list[Any] = []
    if "messages" in modes:

        def emit(chunk: Any) -> None:
            _namespace, _mode, (message, metadata) = chunk
            publish("messages", [to_json(message), to_json(metadata, fallback=str)])

        callbacks.append(StreamMessagesHandler(emit, subgraphs=False))
    return writer, callbacks


async def call_node(runnable: Any, name: str, node_input: Any, config: Any) -> Any:
    """`runnable.ainvoke(node_input, config)`; with callbacks (a streaming run), inside a
    chain run named for the node, as Pregel runs a task, so the messages handler sees
    the node start (its input messages are not streamed) and end (the messages it
    returned are, unless a chat model streamed them already)."""
    if not config.get("callbacks"):
        return await runnable.ainvoke(node_input, config)
    manager = get_async_callback_manager_for_config(config)
    run = await manager.on_chain_start(None, node_input, name=name)
    try:
        result = await runnable.ainvoke(node_input, patch_config(config, callbacks=run.get_child()))
    except BaseException as error:
        await run.on_chain_error(error)
        raise
    await run.on_chain_end(result)
    return result
