"""Microsoft's Durable Functions quickstart starter (a route WITHOUT methods=) beside a graph.

The cross-site tests aim a page on another origin at every kind of route this app has:
the graph API, this starter, and the Durable management API.
"""

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app = runtime.function_app


class Count(BaseModel):
    count: int = 0


def wait_here(state: Count) -> dict:
    return {"count": state.count + 1}


def until_go(state: Count) -> RouteDecision:
    return RouteDecision.wait_for_event(event_name="go", resume_node="done")


# A run that stays Running until an event "go": something a page could try to cancel.
waiter = ManifestBuilder(graph_name="waiter", state_model=Count)
waiter.set_entrypoint("step")
waiter.add_node("step", wait_here, route=until_go)
waiter.add_node("done", wait_here, terminal=True)
waiter.add_event_handler("go", lambda state, payload: {})
runtime.register_registration(waiter.build())


# As in the quickstart: no methods=, so every method reaches it (GET and OPTIONS too).
@app.route(route="orchestrators/{functionName}")
@app.durable_client_input(client_name="client")
async def http_start(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> Any:
    instance_id = await client.start_new(req.route_params["functionName"])
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def hello_orchestrator(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    return (yield context.call_activity("hello", "Tokyo"))


@app.activity_trigger(input_name="city")
def hello(city: str) -> str:
    return f"Hello {city}"
