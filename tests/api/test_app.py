"""DurableGraphApp: which functions it registers, on which app, with which auth level."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import azure.durable_functions as df
import azure.functions as func
import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder
from azure_functions_durable_graph.durable.protocol import (
    ORCHESTRATOR_NAME,
)
from azure_functions_durable_graph.durable.protocol import (
    V1_EVENT_ACTIVITY as EVENT_ACTIVITY,
)
from azure_functions_durable_graph.durable.protocol import (
    V1_NODE_ACTIVITY as NODE_ACTIVITY,
)
from tests.api.fakes import FakeDurableClient, request, user_functions

GRAPH_FUNCTIONS = {
    ORCHESTRATOR_NAME,
    NODE_ACTIVITY,
    EVENT_ACTIVITY,
    "durable_graph_step",
    "durable_graph_task",
    "durable_graph_apply",
    "durable_graph_event",
    "durable_graph_http_start_run",
    "durable_graph_http_get_run",
    "durable_graph_http_list_runs",
    "durable_graph_http_raise_event",
    "durable_graph_http_cancel_run",
    "durable_graph_http_resume_run",
    "durable_graph_http_get_steps",
    "durable_graph_steps",
    "durable_graph_http_health",
    "durable_graph_http_list_graphs",
    "durable_graph_http_get_graph",
    "durable_graph_http_openapi",
    # LangGraph's Agent Server API (docs/agent-server-api.md): on by default.
    "durable_graph_http_langgraph",
    "durable_graph_thread",
    "durable_graph_thread_index",
    "durable_graph_thread_prepare",
    "durable_graph_thread_expire",
    "durable_graph_thread_ttl",
    "durable_graph_http_langgraph_store_items",
    "durable_graph_http_langgraph_store_search",
    "durable_graph_http_langgraph_store_namespaces",
}
AGENT_SERVER_FUNCTIONS = {
    "durable_graph_http_langgraph",
    "durable_graph_thread",
    "durable_graph_thread_index",
    "durable_graph_thread_prepare",
    "durable_graph_thread_expire",
    "durable_graph_thread_ttl",
    "durable_graph_http_langgraph_store_items",
    "durable_graph_http_langgraph_store_search",
    "durable_graph_http_langgraph_store_namespaces",
}


class State(BaseModel):
    n: int = 0


def graph(name: str):
    b = ManifestBuilder(graph_name=name, state_model=State)
    b.set_entrypoint("only").add_node("only", lambda s: None, terminal=True)
    return b.build()


def http_auth_levels(app: func.FunctionRegister) -> dict[str, object]:
    return {
        f.get_function_name(): f.get_trigger().auth_level
        for f in app.get_functions()
        if f.is_http_function()
    }


def test_registers_one_orchestrator_two_activities_and_the_http_api():
    runtime = DurableGraphApp()
    assert isinstance(runtime.function_app, df.DFApp)
    functions = {f.get_function_name(): f for f in runtime.function_app.get_functions()}
    assert set(functions) == GRAPH_FUNCTIONS
    assert all(name.startswith("durable_graph_") for name in functions)
    assert functions[ORCHESTRATOR_NAME].get_trigger().type == "orchestrationTrigger"
    assert functions[NODE_ACTIVITY].get_trigger().type == "activityTrigger"
    routes = {
        (f.get_trigger().route, tuple(m.value for m in f.get_trigger().methods))
        for f in functions.values()
        if f.is_http_function()
    }
    assert routes == {
        ("graphs/{graph_name}/runs", ("POST",)),
        ("runs", ("GET",)),
        ("runs/{instance_id}", ("GET",)),
        ("runs/{instance_id}/events/{event_name}", ("POST",)),
        ("runs/{instance_id}/cancel", ("POST",)),
        ("runs/{instance_id}/resume", ("POST",)),
        ("runs/{instance_id}/steps", ("GET",)),
        ("health", ("GET",)),
        ("graphs", ("GET",)),
        ("graphs/{graph_name}", ("GET",)),
        ("openapi.json", ("GET",)),
        ("langgraph/{*path}", ("GET", "POST", "PUT", "PATCH", "DELETE")),
        ("langgraph/store/items", ("GET", "PUT", "DELETE")),
        ("langgraph/store/items/search", ("POST",)),
        ("langgraph/store/namespaces", ("POST",)),
    }


def test_the_agent_server_api_can_be_left_out():
    runtime = DurableGraphApp(agent_server=False)
    functions = {f.get_function_name() for f in runtime.function_app.get_functions()}
    assert functions == GRAPH_FUNCTIONS - AGENT_SERVER_FUNCTIONS


def test_http_auth_level_is_function_by_default():
    levels = http_auth_levels(DurableGraphApp().function_app)
    assert set(levels.values()) == {func.AuthLevel.FUNCTION}


def test_anonymous_is_an_explicit_choice():
    app = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS).function_app
    assert set(http_auth_levels(app).values()) == {func.AuthLevel.ANONYMOUS}


def test_adds_its_functions_to_an_existing_app_keeping_the_users():
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="hello")
    def hello(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("hi")

    runtime = DurableGraphApp(app)

    assert runtime.function_app is app
    levels = http_auth_levels(app)
    assert levels.pop("hello") == func.AuthLevel.ANONYMOUS  # the user's choice, untouched
    assert set(levels) == {n for n in GRAPH_FUNCTIONS if n.startswith("durable_graph_http_")}
    assert set(levels.values()) == {func.AuthLevel.FUNCTION}  # ours stay keyed


def test_works_on_an_existing_dfapp():
    app = df.DFApp()
    assert DurableGraphApp(app).function_app is app
    assert {f.get_function_name() for f in app.get_functions()} == GRAPH_FUNCTIONS


def test_rejects_something_that_is_not_a_function_app():
    with pytest.raises(TypeError) as info:
        DurableGraphApp(object())  # type: ignore[arg-type]
    assert str(info.value) == (
        "DurableGraphApp(app=...) takes a df.DFApp or func.FunctionApp; got object"
    )


def test_register_registration_rejects_a_builder():
    b = ManifestBuilder(graph_name="x", state_model=State)
    with pytest.raises(TypeError) as info:
        DurableGraphApp().register_registration(b)  # type: ignore[arg-type]
    assert str(info.value) == (
        "register_registration() takes the GraphRegistration returned by "
        "ManifestBuilder.build(); got ManifestBuilder"
    )


def test_graphs_registered_after_indexing_are_served_and_each_has_its_route():
    runtime = DurableGraphApp()
    fns = user_functions(runtime)  # the host indexes before any graph is registered
    runtime.register_registration(graph("first"))
    runtime.register_registration(graph("second"))

    health = json.loads(fns["durable_graph_http_health"](request("GET", "health")).get_body())
    assert [g["graph_name"] for g in health["graphs"]] == ["first", "second"]

    client = FakeDurableClient()
    for name in ("first", "second"):
        req = request(
            "POST", f"graphs/{name}/runs", body='{"input": {}}', route_params={"graph_name": name}
        )
        resp = asyncio.run(fns["durable_graph_http_start_run"](req, client))
        assert resp.status_code == 202
    assert [started[2]["graph_name"] for started in client.started] == ["first", "second"]


def test_a_changed_graph_keeps_the_old_hash_for_runs_in_flight():
    runtime = DurableGraphApp()
    old = graph("g")
    b = ManifestBuilder(graph_name="g", state_model=State, version="2")
    b.set_entrypoint("only").add_node("only", lambda s: None, terminal=True)
    new = b.build()
    runtime.register_registration(old)
    runtime.register_registration(new)

    assert runtime.registry.latest("g") is new
    assert runtime.registry.get("g", old.graph_hash) is old


def test_cold_start_imports_only_the_runtime():
    code = (
        "import sys\n"
        "from azure_functions_durable_graph import DurableGraphApp\n"
        "DurableGraphApp()\n"
        "import json\n"
        "ours = [m for m in sys.modules if m.startswith('azure_functions_durable_graph')]\n"
        "print(json.dumps({'ours': ours, 'aiohttp_web': 'aiohttp.web' in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    loaded = set(report["ours"])
    assert not any(
        m.startswith(
            (
                "azure_functions_durable_graph.local",
                "azure_functions_durable_graph.cli",
                "azure_functions_durable_graph.testing",
                "azure_functions_durable_graph.api.openapi",
            )
        )
        for m in loaded
    ), loaded
    assert report["aiohttp_web"] is False


def test_building_the_app_installs_the_sdk_timestamp_parser():
    import importlib

    from azure_functions_durable_graph import _sdk_speedups

    history_event = importlib.import_module("azure.durable_functions.models.history.HistoryEvent")
    _sdk_speedups.uninstall()
    assert history_event.dt_parse is not _sdk_speedups.parse_timestamp
    DurableGraphApp()
    assert history_event.dt_parse is _sdk_speedups.parse_timestamp
