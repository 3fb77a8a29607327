"""Monitor with continue_as_new: count up to a limit, sleeping on a durable timer in between."""

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
    instance_id = await client.start_new(req.route_params["functionName"], None, req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def counter_monitor(context: df.DurableOrchestrationContext) -> Orchestration:
    state = context.get_input()
    count = yield context.call_activity("check", state["count"])
    context.set_custom_status({"count": count})
    if count >= state["limit"]:
        return {"count": count, "checked_at": state["seen"] + [count]}
    interval = timedelta(seconds=state["interval_seconds"])
    yield context.create_timer(context.current_utc_datetime + interval)
    # A fresh history per generation keeps every replay short, however long the monitor runs.
    context.continue_as_new({**state, "count": count, "seen": state["seen"] + [count]})
    return None


@app.activity_trigger(input_name="count")
def check(count: int) -> int:
    return count + 1
