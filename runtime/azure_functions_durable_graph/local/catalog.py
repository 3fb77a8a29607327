"""The durable functions of an app and how to invoke them the way the Python worker does.

Orchestrators and entities are the SDK handles that `@orchestration_trigger`
and `@entity_trigger` registered (called with the episode or request JSON
text). Activities are the user's functions: their input goes through the
worker's own ActivityTriggerConverter (df_loads, with the raw text as
fallback), their result through the same converter (df_dumps). Sync functions
run in the loop's default thread pool, coroutines are awaited. Function names
are case-insensitive, as in Functions.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import azure.functions as func
from azure.functions import _abc as func_abc
from azure.functions import meta
from azure.functions.durable_functions import ActivityTriggerConverter

from .errors import LocalHostError

ORCHESTRATION_TRIGGER = "orchestrationTrigger"
ACTIVITY_TRIGGER = "activityTrigger"
ENTITY_TRIGGER = "entityTrigger"
DURABLE_CLIENT = "durableClient"


class FunctionCatalog(Protocol):
    """What the engine needs from an app (see docs/architecture.md)."""

    def orchestrator(self, name: str) -> Callable[[str], str] | None: ...

    async def run_activity(self, name: str, input_json: str | None) -> str: ...

    def has_activity(self, name: str) -> bool: ...

    def entity(self, name: str) -> Callable[..., Any] | None:
        """The SDK entity handle registered for `name`, or None."""
        ...

    @property
    def orchestrator_names(self) -> list[str]:
        """Every orchestrator's name, for the error that names the ones that exist."""
        ...


class ActivityNotFound(LocalHostError, LookupError):
    """No activity function with this name is registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"The function '{name}' doesn't exist, is disabled, or is not an activity function. "
            "Check the name passed to call_activity against the app's @activity_trigger functions."
        )


class BindingError(LocalHostError, TypeError):
    """A durable function has a parameter the local host cannot bind."""


@dataclass(frozen=True)
class ActivityFunction:
    """An activity and how to call it."""

    name: str
    user_function: Callable[..., Any]
    input_parameter: str
    directory: str
    client_bindings: tuple[str, ...] = ()  # durableClient inputs: bound to the starter

    async def invoke(self, input_json: str | None, starter: Callable[[], str] | None = None) -> str:
        """Run the activity with the decoded input; return the result as df_dumps text."""
        kwargs = self._arguments(_decode_input(input_json), starter)
        if inspect.iscoroutinefunction(self.user_function):
            result = await self.user_function(**kwargs)
        else:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                None, functools.partial(self.user_function, **kwargs)
            )
        return str(ActivityTriggerConverter.encode(result, expected_type=None).value)

    @functools.cached_property
    def _parameters(self) -> list[inspect.Parameter]:
        """The function's parameters, read once (inspect.signature is slow per call)."""
        return list(inspect.signature(self.user_function).parameters.values())

    def _arguments(self, value: Any, starter: Callable[[], str] | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        for parameter in self._parameters:
            if parameter.name == self.input_parameter:
                kwargs[parameter.name] = value
            elif parameter.name in self.client_bindings:
                if starter is None:
                    raise BindingError(
                        f"activity '{self.name}' takes a Durable client, and this host "
                        "serves no management API to bind it to"
                    )
                kwargs[parameter.name] = starter()
            elif parameter.name == "context":
                kwargs["context"] = InvocationContext(self.name, self.directory)
            elif parameter.default is inspect.Parameter.empty and parameter.kind not in (
                inspect.Parameter.VAR_POSITIONAL,
                inspect.Parameter.VAR_KEYWORD,
            ):
                raise BindingError(
                    f"activity '{self.name}' has parameter {parameter.name!r} that is neither its "
                    f"activity_trigger binding {self.input_parameter!r} nor 'context'; "
                    "the local host "
                    "binds only those two"
                )
        return kwargs


def _decode_input(input_json: str | None) -> Any:
    if input_json is None:
        return None
    return ActivityTriggerConverter.decode(meta.Datum(input_json, "string"), trigger_metadata=None)


class AppCatalog:
    """The orchestrators and activities of one app, indexed by case-insensitive name."""

    def __init__(self, functions: Iterable[Any], *, directory: str = ".") -> None:
        self._orchestrators: dict[str, tuple[str, Callable[[str], str]]] = {}
        self._activities: dict[str, ActivityFunction] = {}
        self._entities: dict[str, tuple[str, Callable[..., Any]]] = {}
        #: The Durable client's starter JSON for activities with a durableClient binding
        #: (set by the host once its management API listens).
        self.starter: Callable[[], str] | None = None
        for function in functions:
            self._index(function, directory)

    @classmethod
    def from_app(cls, app: func.FunctionRegister, *, directory: str = ".") -> AppCatalog:
        """Index `app.get_functions()` (a FunctionApp or df.DFApp)."""
        return cls(app.get_functions(), directory=directory)

    # FunctionCatalog -----------------------------------------------------------------------------

    def orchestrator(self, name: str) -> Callable[[str], str] | None:
        entry = self._orchestrators.get(name.lower())
        return entry[1] if entry else None

    def has_activity(self, name: str) -> bool:
        return name.lower() in self._activities

    async def run_activity(self, name: str, input_json: str | None) -> str:
        activity = self._activities.get(name.lower())
        if activity is None:
            raise ActivityNotFound(name)
        return await activity.invoke(input_json, self.starter)

    # Introspection -------------------------------------------------------------------------------

    @property
    def orchestrator_names(self) -> list[str]:
        return sorted(name for name, _ in self._orchestrators.values())

    @property
    def activity_names(self) -> list[str]:
        return sorted(a.name for a in self._activities.values())

    @property
    def entity_names(self) -> list[str]:
        return sorted(name for name, _ in self._entities.values())

    def entity(self, name: str) -> Callable[..., Any] | None:
        """The SDK entity handle (`Entity.create(fn)`) registered for `name`, or None."""
        entry = self._entities.get(name.lower())
        return entry[1] if entry else None

    # Indexing ------------------------------------------------------------------------------------

    def _index(self, function: Any, directory: str) -> None:
        trigger = function.get_trigger()
        kind = getattr(trigger, "type", None)
        if kind not in (ORCHESTRATION_TRIGGER, ACTIVITY_TRIGGER, ENTITY_TRIGGER):
            return
        own_name = {
            ORCHESTRATION_TRIGGER: getattr(trigger, "orchestration", None),
            ACTIVITY_TRIGGER: getattr(trigger, "activity", None),
            ENTITY_TRIGGER: getattr(trigger, "entity_name", None),
        }[kind]
        name = own_name or function.get_function_name()
        if not name:
            raise BindingError(f"cannot work out the name of durable function {function!r}")
        user_function = function.get_user_function()
        key = name.lower()
        if key in self._orchestrators or key in self._activities or key in self._entities:
            raise LocalHostError(
                f"two durable functions are named {name!r} (names are case-insensitive)"
            )
        if kind == ORCHESTRATION_TRIGGER:
            self._orchestrators[key] = (name, user_function)
        elif kind == ENTITY_TRIGGER:
            self._entities[key] = (name, user_function)
        else:
            clients = tuple(
                b.name for b in function.get_bindings() if getattr(b, "type", "") == DURABLE_CLIENT
            )
            self._activities[key] = ActivityFunction(
                name, user_function, trigger.name, directory, clients
            )


class _TraceContext(func_abc.TraceContext):
    @property
    def trace_state(self) -> str:
        return ""

    @property
    def trace_parent(self) -> str:
        return ""

    @property
    def attributes(self) -> dict[str, str]:
        return {}


class _RetryContext(func_abc.RetryContext):
    @property
    def retry_count(self) -> int:
        return 0

    @property
    def max_retry_count(self) -> int:
        return 0

    @property
    def exception(self) -> Any:
        return None


class InvocationContext(func.Context):
    """The `context` argument the worker passes to a function that asks for one."""

    def __init__(self, function_name: str, function_directory: str) -> None:
        self._function_name = function_name
        self._function_directory = function_directory
        self._invocation_id = str(uuid.uuid4())
        self._thread_local = threading.local()
        self._thread_local.invocation_id = self._invocation_id

    @property
    def invocation_id(self) -> str:
        return self._invocation_id

    @property
    def thread_local_storage(self) -> Any:
        return self._thread_local

    @property
    def function_name(self) -> str:
        return self._function_name

    @property
    def function_directory(self) -> str:
        return self._function_directory

    @property
    def trace_context(self) -> func_abc.TraceContext:
        return _TraceContext()

    @property
    def retry_context(self) -> func_abc.RetryContext:
        return _RetryContext()
