"""task_any: the first of several tasks to finish decides what the orchestrator does."""

from collections.abc import Generator
from datetime import timedelta
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
    instance_id = await client.start_new(req.route_params["functionName"], None, body)
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def first_event_wins(context: df.DurableOrchestrationContext) -> Orchestration:
    left = context.wait_for_external_event("left")
    right = context.wait_for_external_event("right")
    winner = yield context.task_any([left, right])
    return {"winner": "left" if winner == left else "right", "value": winner.result}


@app.orchestration_trigger(context_name="context")
def activity_before_deadline(context: df.DurableOrchestrationContext) -> Orchestration:
    work = context.call_activity("compute", context.get_input())
    deadline = context.create_timer(context.current_utc_datetime + timedelta(hours=1))
    winner = yield context.task_any([work, deadline])
    if winner == work:
        # Without cancelling, the instance would stay open until the timer fires.
        deadline.cancel()
        return {"result": work.result}
    return {"result": None}


@app.activity_trigger(input_name="n")
def compute(n: int) -> int:
    return n * 10
