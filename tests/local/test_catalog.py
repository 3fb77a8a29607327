"""Indexing a DFApp and invoking activities the way the Python worker does."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import azure.durable_functions as df
import azure.functions as func
import pytest

from azure_functions_durable_graph.local.catalog import ActivityNotFound, AppCatalog, BindingError
from azure_functions_durable_graph.local.errors import LocalHostError


def _app() -> df.DFApp:
    app = df.DFApp()

    @app.orchestration_trigger(context_name="context")
    def plain_name(context: df.DurableOrchestrationContext) -> Any:
        return None

    @app.function_name("DecoratorName")
    @app.orchestration_trigger(context_name="context", orchestration="TriggerName")
    def trigger_named(context: df.DurableOrchestrationContext) -> Any:
        return None

    @app.function_name("Renamed")
    @app.orchestration_trigger(context_name="context")
    def decorator_named(context: df.DurableOrchestrationContext) -> Any:
        return None

    @app.activity_trigger(input_name="payload")
    def sync_echo(payload: Any) -> dict[str, Any]:
        return {"got": payload, "thread": threading.current_thread().name}

    @app.activity_trigger(input_name="who", activity="AsyncGreet")
    async def async_greet(who: str, context: func.Context) -> str:
        return f"{context.function_name} {who} on {threading.current_thread().name}"

    @app.activity_trigger(input_name="x")
    def fails(x: int) -> int:
        raise ArithmeticError(f"cannot handle {x}")

    @app.activity_trigger(input_name="x")
    def needs_more(x: int, other: str) -> int:
        return x

    @app.route(route="hello")
    def http_hello(req: func.HttpRequest) -> str:
        return "hi"

    return app


CATALOG = AppCatalog.from_app(_app())


def test_names_follow_the_trigger_then_function_name_then_python_name() -> None:
    assert CATALOG.orchestrator_names == ["Renamed", "TriggerName", "plain_name"]
    assert CATALOG.activity_names == ["AsyncGreet", "fails", "needs_more", "sync_echo"]


def test_lookups_are_case_insensitive_and_return_the_sdk_handle() -> None:
    handle = CATALOG.orchestrator("RENAMED")
    assert handle is not None and hasattr(handle, "orchestrator_function")
    assert CATALOG.orchestrator("http_hello") is None
    assert CATALOG.has_activity("asyncgreet") and not CATALOG.has_activity("plain_name")


def test_sync_activity_gets_decoded_input_and_runs_in_the_thread_pool() -> None:
    result = asyncio.run(CATALOG.run_activity("sync_echo", json.dumps({"a": [1, 2]})))

    decoded = json.loads(result)
    assert decoded["got"] == {"a": [1, 2]}
    assert decoded["thread"] != threading.main_thread().name


def test_input_that_is_not_json_arrives_as_the_raw_string() -> None:
    assert (
        json.loads(asyncio.run(CATALOG.run_activity("sync_echo", "plain text")))["got"]
        == "plain text"
    )


def test_async_activity_is_awaited_on_the_loop_with_a_context() -> None:
    result = asyncio.run(CATALOG.run_activity("asyncgreet", json.dumps("Ada")))

    assert json.loads(result) == f"AsyncGreet Ada on {threading.main_thread().name}"


def test_activity_exceptions_propagate_unchanged() -> None:
    with pytest.raises(ArithmeticError, match="cannot handle 3"):
        asyncio.run(CATALOG.run_activity("fails", "3"))


def test_unknown_activity_and_unbindable_parameters_are_explained() -> None:
    with pytest.raises(ActivityNotFound, match="'nope' doesn't exist"):
        asyncio.run(CATALOG.run_activity("nope", None))
    with pytest.raises(BindingError, match="parameter 'other'"):
        asyncio.run(CATALOG.run_activity("needs_more", "1"))


def test_duplicate_names_ignoring_case_are_refused() -> None:
    class Fake:
        def __init__(self, name: str) -> None:
            self.name = name

        def get_trigger(self) -> Any:
            return type("T", (), {"type": "activityTrigger", "activity": None, "name": "x"})()

        def get_function_name(self) -> str:
            return self.name

        def get_user_function(self) -> Any:
            return lambda x: x

        def get_bindings(self) -> list[Any]:
            return []

    with pytest.raises(LocalHostError, match="two durable functions are named 'Work'"):
        AppCatalog([Fake("work"), Fake("Work")])
