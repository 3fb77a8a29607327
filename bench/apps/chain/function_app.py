"""The benchmark app: a chain of N trivial activities, so the time measured is the host's."""

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["functionName"], None, req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext) -> Generator[Any, Any, int]:
    value = 0
    for _ in range(context.get_input()["steps"]):
        value = yield context.call_activity("increment", value)
    return value


@app.activity_trigger(input_name="value")
def increment(value: int) -> int:
    return value + 1
