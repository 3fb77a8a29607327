"""In-memory accelerators for what every episode re-reads: the played history and the state.

Every episode replays the whole history, so without help the host would decode,
copy and re-encode all of it again at each step, and its own cost per step
would grow with the run. These caches keep, per instance, the history as the
JSON text an episode sends (events marked played) and the execution state
both decoded and encoded, so an episode only pays for what is new.

They are accelerators only: the store stays the truth. `PlayedHistoryCache`
is updated by the store after a commit and checked against the last stored
row before use; `StateCodec` is keyed by the exact stored text, so a stale
entry can never be returned. Both rebuild from the store when an entry is
missing and forget the least recently used instances beyond a bound.
"""

from __future__ import annotations

import json
import operator
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .history import Event

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


class StateCodec:
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
