"""What handlers return or declare besides state updates: Send, Command, RetryPolicy.

They mirror LangGraph's types of the same names (same fields, same defaults),
so code written for LangGraph reads the same here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Union, cast

from ..errors import NodeTimeoutError


@dataclass(frozen=True)
class Send:
    """Run `node` in the next superstep with `arg` as its only input (map-reduce).

    A route may return a list of Sends; each becomes its own task, so one node
    can run many times in parallel over different inputs.
    """

    node: str
    arg: Any = None


#: What `Command.goto` and routes accept as a destination.
Goto = Union[str, Send, Sequence[Union[str, Send]], None]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class Command:
    """A node's return that updates the state and chooses where to go, in one value.

    `goto` adds destinations to the node's static edges (LangGraph's rule).
    """

    update: Any = None
    goto: Goto = None


#: Exceptions that signal a bug rather than a passing fault (LangGraph's default list).
_NOT_RETRIED: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    ArithmeticError,
    ImportError,
    LookupError,
    NameError,
    SyntaxError,
    RuntimeError,
    ReferenceError,
    StopIteration,
    StopAsyncIteration,
    OSError,
)


def default_retry_on(exc: BaseException) -> bool:
    """Retry everything except errors that another attempt cannot fix.

    Connection errors are OSErrors but are worth retrying, as in LangGraph.
    """
    if isinstance(exc, ConnectionError):
        return True
    return not isinstance(exc, _NOT_RETRIED)


RetryOn = Union[  # noqa: UP007 - a runtime alias
    type[BaseException],
    Sequence[type[BaseException]],
    Callable[[BaseException], bool],
]


@dataclass(frozen=True)
class RetryPolicy:
    """How a failing node is retried: LangGraph's fields and defaults.

    The wait before attempt n+1 is ``min(max_interval, initial_interval *
    backoff_factor ** (n - 1))`` seconds, plus up to one second of jitter. The
    jitter is derived from the run's instance id, node and attempt, so replay
    computes the same wait; the wait is a durable timer.
    """

    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 128.0
    max_attempts: int = 3
    jitter: bool = True
    retry_on: RetryOn = field(default=default_retry_on)

    def should_retry(self, exc: BaseException) -> bool:
        """Whether `exc` is worth another attempt (evaluated where the node ran)."""
        retry_on = self.retry_on
        if isinstance(retry_on, type) and issubclass(retry_on, BaseException):
            return isinstance(exc, retry_on)
        if isinstance(retry_on, Sequence) and not isinstance(retry_on, (str, bytes)):
            return isinstance(exc, tuple(retry_on))
        if callable(retry_on):
            predicate = cast(Callable[[BaseException], bool], retry_on)
            return bool(predicate(exc))
        return False

    def describe(self) -> dict[str, Any]:
        """The policy in the manifest (and so in the graph hash)."""
        return {
            "initial_interval": self.initial_interval,
            "backoff_factor": self.backoff_factor,
            "max_interval": self.max_interval,
            "max_attempts": self.max_attempts,
            "jitter": self.jitter,
            "retry_on": _qualified(self.retry_on),
        }


#: Names our own classes had when graph hashes first included them; a moved or
#: renamed class keeps its old name here so the hashes of graphs using it stay put.
_HASHED_AS: dict[object, str] = {
    NodeTimeoutError: "azure_functions_durable_graph.graph.types.NodeTimeout",
}


def _qualified(value: object) -> str:
    """A stable name for a callable or exception class (module + qualified name)."""
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return "(" + ", ".join(_qualified(v) for v in value) + ")"
    if isinstance(value, type) and value in _HASHED_AS:
        return _HASHED_AS[value]
    module = getattr(value, "__module__", None) or "?"
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    return f"{module}.{name}" if name else repr(value)


qualified_name = _qualified
