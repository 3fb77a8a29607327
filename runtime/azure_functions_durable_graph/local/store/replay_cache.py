"""In-memory accelerators for what every episode re-reads: the played history and the state.

Every episode replays the whole history, so without help the host would decode,
copy and re-encode all of it again at each step, and its own cost per step
would grow with the run. These caches keep, per instance, the history as the
JSON text an episode sends (events marked played) and the execution state
both decoded and encoded, so an episode only pays for what is new.

`StatePrefixes` does the same for the other direction: the OrchestratorState
text an episode answers with lists every action since the execution began, so
only the actions after the ones parsed last time are decoded again.

They are accelerators only: the store stays the truth. `PlayedHistoryCache`
is updated by the store after a commit and checked against the last stored
row before use; `ExecutionStateCache` is keyed by the exact stored text, so a stale
entry can never be returned. Both rebuild from the store when an entry is
missing and forget the least recently used instances beyond a bound.
"""

from __future__ import annotations

import json
import operator
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..history import Event

#: Instances whose history and state stay cached (the least recently used are dropped).
MAX_CACHED_INSTANCES = 256


def played_json(event: Event) -> str:
    """The JSON text of an event as a later episode receives it (already played)."""
    return json.dumps({**event, "IsPlayed": True})


@dataclass
class _History:
    execution_id: str
    fragments: list[str] = field(default_factory=list)


class PlayedHistoryCache:
    """Per instance: the JSON text of each stored history event, marked played, in order."""

    def __init__(self, capacity: int = MAX_CACHED_INSTANCES) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, _History] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, instance_id: str, last: tuple[int, str] | None) -> list[str] | None:
        """The cached fragments if they match the store's last row `(position, execution_id)`."""
        entry = self._entries.get(instance_id)
        if entry is None:
            return None
        matches = (
            not entry.fragments
            if last is None
            else len(entry.fragments) == last[0] + 1 and entry.execution_id == last[1]
        )
        if not matches:
            del self._entries[instance_id]
            return None
        self._entries.move_to_end(instance_id)
        return entry.fragments

    def put(self, instance_id: str, execution_id: str, fragments: list[str]) -> None:
        """Remember a history just read from the store."""
        self._entries[instance_id] = _History(execution_id, list(fragments))
        self._trim()

    def appended(
        self, instance_id: str, execution_id: str, start: int, fragments: list[str]
    ) -> None:
        """Events at positions `start...` were committed; extend the entry only if it ends there."""
        entry = self._entries.get(instance_id)
        if entry is None:
            return
        if len(entry.fragments) != start or (start and entry.execution_id != execution_id):
            del self._entries[instance_id]
            return
        entry.execution_id = execution_id
        entry.fragments.extend(fragments)

    def forget(self, instance_id: str) -> None:
        """The history was cleared or deleted (continue_as_new, purge, id reuse)."""
        self._entries.pop(instance_id, None)

    def _trim(self) -> None:
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)


def copy_state(state: dict[str, Any]) -> dict[str, Any]:
    """A copy that is safe to change the way the engine does, without a deep copy.

    Top-level lists and dicts are copied, and so are the dicts inside a
    top-level dict (retry groups are updated in place). Entries of the
    `actions` list are shared: the engine only ever appends to that list.
    """
    copied: dict[str, Any] = {}
    for key, value in state.items():
        if isinstance(value, list):
            copied[key] = list(value)
        elif isinstance(value, dict):
            copied[key] = {k: dict(v) if isinstance(v, dict) else v for k, v in value.items()}
        else:
            copied[key] = value
    return copied


@dataclass
class _State:
    text: str
    state: dict[str, Any]
    action_fragments: list[str]


class ExecutionStateCache:
    """Decodes and encodes execution states, reusing the work done for the previous episode.

    `decode` returns the cached state when the stored text is exactly the text
    it last saw for the instance; `encode` serializes only the actions appended
    since then (the earlier entries must be the very same objects).
    """

    ACTIONS = "actions"

    def __init__(self, capacity: int = MAX_CACHED_INSTANCES) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, _State] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def decode(self, instance_id: str, text: str) -> dict[str, Any]:
        entry = self._entries.get(instance_id)
        if entry is not None and entry.text == text:
            self._entries.move_to_end(instance_id)
            return copy_state(entry.state)
        state: dict[str, Any] = json.loads(text)
        if not isinstance(state, dict):
            raise ValueError(
                f"expected the stored state of instance {instance_id!r} to be a JSON object, "
                f"found {type(state).__name__}"
            )
        actions = state.get(self.ACTIONS)
        fragments = [json.dumps(a) for a in actions] if isinstance(actions, list) else []
        self._remember(instance_id, text, state, fragments)
        return copy_state(state)

    def encode(self, instance_id: str, state: dict[str, Any]) -> str:
        actions = state.get(self.ACTIONS)
        if not isinstance(actions, list):
            self._entries.pop(instance_id, None)
            return json.dumps(state)
        fragments = self._known_prefix(instance_id, actions)
        fragments.extend(json.dumps(a) for a in actions[len(fragments) :])
        head = json.dumps({k: v for k, v in state.items() if k != self.ACTIONS})
        body = f'"{self.ACTIONS}": [{", ".join(fragments)}]'
        text = "{" + body + "}" if head == "{}" else f"{head[:-1]}, {body}}}"
        self._remember(instance_id, text, copy_state(state), fragments)
        return text

    def forget(self, instance_id: str) -> None:
        self._entries.pop(instance_id, None)

    def _known_prefix(self, instance_id: str, actions: list[Any]) -> list[str]:
        entry = self._entries.get(instance_id)
        if entry is None:
            return []
        cached = entry.state.get(self.ACTIONS)
        if not isinstance(cached, list) or len(cached) > len(actions):
            return []
        if not all(map(operator.is_, cached, actions)):
            return []
        return list(entry.action_fragments)

    def _remember(
        self, instance_id: str, text: str, state: dict[str, Any], fragments: list[str]
    ) -> None:
        self._entries[instance_id] = _State(text, state, fragments)
        self._entries.move_to_end(instance_id)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)


T = TypeVar("T")

#: Running instances whose parsed actions are kept (each holds its state text's prefix).
MAX_PARSED_INSTANCES = 64

#: How the SDK (1.7, `OrchestratorState.to_json_string`) starts the state text of schema v2.
_STATE_HEAD = re.compile(
    r'\{"isDone": (true|false), "schemaVersion": (-?(?:0|[1-9][0-9]*)), "actions": \[\['
)
_DECODER = json.JSONDecoder()


@dataclass
class _Prefix(Generic[T]):
    text: str  # the state text up to the end of its last action (or the opening "[[")
    actions: list[T]  # the actions parsed from `text`, flattened
    count: int  # top-level actions in `text`


class StatePrefixes(Generic[T]):
    """Per instance, the start of the last OrchestratorState text and the actions parsed from it.

    The SDK's action list is append-only and serialized the same way every
    episode, so the next text usually starts with the previous one up to the
    end of its last action: those actions are reused, only the new ones are
    decoded. A JSON value ends where its closing bracket is, so equal leading
    characters mean equal values. Anything else (a changed action, another
    layout, invalid JSON, a bad action) returns None and the caller parses the
    whole text, so errors and results stay those of `json.loads`.
    """

    def __init__(
        self, flatten: Callable[[Any, list[T]], None], capacity: int = MAX_PARSED_INSTANCES
    ) -> None:
        self._flatten = flatten
        self._capacity = capacity
        self._lock = threading.Lock()  # episodes of different instances run on a thread pool
        self._entries: OrderedDict[str, _Prefix[T]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def parse(self, text: str, key: str) -> tuple[dict[str, Any], list[T]] | None:
        """`(state without "actions", flattened actions)`, or None: parse `text` whole."""
        with self._lock:
            known = self._entries.get(key)
        if known is not None and text.startswith(known.text):
            head = _STATE_HEAD.match(known.text)
            start, actions, count = len(known.text), list(known.actions), known.count
        else:
            head = _STATE_HEAD.match(text)
            start = head.end() if head is not None else 0
            actions, count = [], 0
        if head is None:
            return None
        try:
            end, count = self._read_actions(text, start, count, actions)
            rest = self._read_rest(text, end)
        except Exception:  # not the SDK's usual text: the caller's whole parse reports it
            return None
        if rest is None or rest.keys() & {"isDone", "schemaVersion", "actions"}:
            return None
        done = head.group(1) == "true"
        with self._lock:
            if done:  # the execution is over: no episode of it follows
                self._entries.pop(key, None)
            else:
                self._entries[key] = _Prefix(text[:end], actions, count)
                self._entries.move_to_end(key)
                while len(self._entries) > self._capacity:
                    self._entries.popitem(last=False)
        state = {"isDone": done, "schemaVersion": int(head.group(2)), **rest}
        return state, actions

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _read_actions(self, text: str, position: int, count: int, into: list[T]) -> tuple[int, int]:
        """Decode the actions from `position` to the closing "]]"; returns (end of last, count)."""
        end = position
        while True:
            if text.startswith("]]", position):
                return end, count
            if count:
                if not text.startswith(", ", position):
                    raise ValueError("expected ', ' or ']]' after an action")
                position += 2
            raw, position = _DECODER.raw_decode(text, position)
            self._flatten(raw, into)
            count += 1
            end = position

    @staticmethod
    def _read_rest(text: str, end: int) -> dict[str, Any] | None:
        """The keys after the action list ("output", "error", "customStatus")."""
        tail = text[end + 2 :]
        if tail == "}":
            return {}
        if not tail.startswith(", "):
            return None
        rest = json.loads("{" + tail[2:])
        return rest if isinstance(rest, dict) else None
