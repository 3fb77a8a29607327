"""External events, including ones that arrive before the orchestrator waits for them."""

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
import azure.functions as func

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}/{instanceId?}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(
        req.route_params["functionName"], req.route_params.get("instanceId")
    )
    return client.create_check_status_response(req, instance_id)


@app.route(route="runs/{instanceId}/events/{eventName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_raise(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    """Raise an event through the client's raise_event rather than the management URL."""
    await client.raise_event(
        req.route_params["instanceId"], req.route_params["eventName"], req.get_json()
    )
    return func.HttpResponse(status_code=202)


@app.orchestration_trigger(context_name="context")
def in_order(context: df.DurableOrchestrationContext) -> Orchestration:
    # "second" can only be waited for once "first" is in: sending "second" first buffers it.
    first = yield context.wait_for_external_event("first")
    second = yield context.wait_for_external_event("second")
    return [first, second]


@app.orchestration_trigger(context_name="context")
def collect_three(context: df.DurableOrchestrationContext) -> Orchestration:
    items = []
    for _ in range(3):
        items.append((yield context.wait_for_external_event("item")))
    return items
