"""Failures: an orchestrator that raises, and one that does not catch a failed activity."""

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
import azure.functions as func

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    body = req.get_json() if req.get_body() else None
    try:
        instance_id = await client.start_new(req.route_params["functionName"], None, body)
    except Exception as error:  # the client raises the extension's 400 message as Exception
        return func.HttpResponse(str(error), status_code=400)
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def raises_after_activity(context: df.DurableOrchestrationContext) -> Orchestration:
    prepared = yield context.call_activity("prepare", context.get_input())
    raise ValueError(f"cannot finish {prepared}")


@app.orchestration_trigger(context_name="context")
def uncaught_activity_failure(context: df.DurableOrchestrationContext) -> Orchestration:
    yield context.call_activity("explode", context.get_input())
    return "unreachable"


@app.activity_trigger(input_name="order")
def prepare(order: str) -> str:
    return f"order {order}"


@app.activity_trigger(input_name="order")
def explode(order: str) -> str:
    raise KeyError(f"no stock for {order}")
