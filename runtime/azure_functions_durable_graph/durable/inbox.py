"""The run's own inbox: every event and resume reaches the orchestrator exactly once, in order.

The Durable SDK buffers at most one early external event per name, so events
that arrive while nothing waits for them can be lost or applied twice. Instead,
the orchestrator always keeps ONE standing wait for a single Durable event name,
`INBOX_EVENT`, and every graph event and resume travels under it in an envelope.
Whatever the orchestrator is doing (an activity, a retry timer, a timeout race),
it yields ``task_any([work, standing_wait])``; when the wait wins, the message
goes into the inbox (a FIFO list the run carries across continue-as-new) and a
new standing wait is created. Graph waits then consume from the inbox by name.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from .protocol import (
    INBOX_EVENT,
)
from .sdk_surface import DurableTask, OrchestrationContext, TimerTask
from .wire import EVENT_ENVELOPE_KEY, RESUME_ENVELOPE_KEY, decode_json_text

Message = dict[str, Any]


def decode_message(raw: Any) -> Message:
    """An inbox message from what the Durable event carried (JSON text or decoded)."""
    value = decode_json_text(raw)
    if isinstance(value, dict) and isinstance(value.get(EVENT_ENVELOPE_KEY), str):
        return {"kind": "event", "name": value[EVENT_ENVELOPE_KEY], "payload": value.get("payload")}
    if isinstance(value, dict) and isinstance(value.get(RESUME_ENVELOPE_KEY), dict):
        return {"kind": "resume", "answers": value[RESUME_ENVELOPE_KEY]}
    return {"kind": "unknown", "raw": value}


class Inbox:
    """The standing wait and the messages it has collected (`messages` is carried)."""

    def __init__(
        self,
        context: OrchestrationContext,
        messages: list[Message],
        on_change: Callable[[], None],
        on_idle: Callable[[], None] = lambda: None,
    ) -> None:
        self._context = context
        self.messages = messages
        self._on_change = on_change
        self._on_idle = on_idle  # the run is about to wait for the outside world
        self._received = 0  # standing waits completed in this execution
        self._wait = self._new_wait()

    def _new_wait(self) -> DurableTask:
        return self._context.wait_for_external_event(INBOX_EVENT, expected_type=object)

    def wait_for(self, work: DurableTask) -> Generator[DurableTask, object, DurableTask]:
        """Yield until `work` completes, collecting messages meanwhile; returns `work`.

        `work` may fail: the caller reads ``work.state``/``work.result`` (a task_any
        never raises into the generator, so a failed child does not either).
        """
        while not work.is_completed:
            winner = yield self._context.task_any([work, self._wait])
            if winner is self._wait:
                self._collect()
        return work

    def next_message(self, timer: TimerTask | None = None) -> Generator[DurableTask, object, bool]:
        """Wait for one more message (True), or for `timer` to fire first (False)."""
        self._on_idle()
        if timer is None:
            yield self._wait
            self._collect()
            return True
        winner = yield self._context.task_any([timer, self._wait])
        if winner is self._wait:
            self._collect()
            return True
        return False

    def _collect(self) -> None:
        self.messages.append(decode_message(self._wait.result))
        self._received += 1
        self._wait = self._new_wait()
        self._on_change()

    def take(self, predicate: Callable[[Message], bool]) -> Message | None:
        """Remove and return the oldest message matching `predicate`."""
        for index, message in enumerate(self.messages):
            if predicate(message):
                del self.messages[index]
                self._on_change()
                return message
        return None

    def drain_history(self) -> Generator[DurableTask, object, None]:
        """Collect messages already in this execution's history before it continues as new.

        Events the extension delivered in the same batch as the continue-as-new
        decision would otherwise be dropped with the old execution. Reading the
        history is safe here: continue-as-new ends the execution, so this
        decision is never replayed against a longer history.
        """
        while self._delivered() > self._received:
            yield self._wait
            self._collect()

    def _delivered(self) -> int:
        count = 0
        for event in self._context.histories:
            if getattr(event, "Name", None) == INBOX_EVENT and _is_event_raised(event):
                count += 1
        return count


def _is_event_raised(event: Any) -> bool:
    kind = getattr(event, "event_type", None)
    return getattr(kind, "name", None) == "EVENT_RAISED" or kind == 15
