"""api/route_table.py: one table registers the graph API, and other modules can add routes."""

from __future__ import annotations

import azure.functions as func

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.api.route_table import HTTP_PREFIX, HttpRoute, graph_api_routes


def test_the_table_names_each_graph_api_function_once() -> None:
    runtime = DurableGraphApp()
    names = [route.name for route in graph_api_routes(lambda: runtime._api)]
    assert len(names) == len(set(names)) == 11
    assert all(name.startswith(HTTP_PREFIX) for name in names)


def test_another_module_registers_routes_with_the_auth_level_and_client() -> None:
    runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    async def hello(req: func.HttpRequest, client: object) -> func.HttpResponse:
        return func.HttpResponse(f"hello {req.route_params['name']}")

    runtime.add_http_routes([HttpRoute("extra_hello", "extra/{name}", "GET", hello, client=True)])
    functions = {f.get_function_name(): f for f in runtime.function_app.get_functions()}
    trigger = functions["extra_hello"].get_trigger()
    assert trigger.route == "extra/{name}"
    assert [m.value for m in trigger.methods] == ["GET"]
    assert trigger.auth_level == func.AuthLevel.ANONYMOUS
    assert "durableClient" in [b.type for b in functions["extra_hello"].get_bindings()]
