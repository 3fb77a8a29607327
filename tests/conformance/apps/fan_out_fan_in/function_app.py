"""Fan-out/fan-in: schedule one activity per work item, then aggregate with task_all."""

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
    instance_id = await client.start_new(req.route_params["functionName"], None, req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def fan_out_fan_in(context: df.DurableOrchestrationContext) -> Orchestration:
    items = yield context.call_activity("get_work_items", context.get_input())
    squares = yield context.task_all([context.call_activity("square", n) for n in items])
    # The 1.x SDK resolves task_all([]) to None rather than [] (on Azure too).
    squares = squares or []
    total = yield context.call_activity("total", squares)
    return {"squares": squares, "total": total}


@app.activity_trigger(input_name="count")
def get_work_items(count: int) -> list[int]:
    return list(range(1, count + 1))


@app.activity_trigger(input_name="n")
def square(n: int) -> int:
    return n * n


@app.activity_trigger(input_name="values")
def total(values: list[int]) -> int:
    return sum(values)
