"""Human interaction: wait for an approval event, escalate when 72 hours pass first."""

from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df
import azure.functions as func

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

APPROVAL_WINDOW = timedelta(hours=72)


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["functionName"], None, req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def approval_workflow(context: df.DurableOrchestrationContext) -> Orchestration:
    request = context.get_input()
    yield context.call_activity("send_approval_request", request)
    timeout = context.create_timer(context.current_utc_datetime + APPROVAL_WINDOW)
    approval = context.wait_for_external_event("ApprovalEvent")
    winner = yield context.task_any([approval, timeout])
    if winner == approval:
        timeout.cancel()
        return (yield context.call_activity("process_approval", approval.result))
    return (yield context.call_activity("escalate", request))


@app.activity_trigger(input_name="request")
def send_approval_request(request: dict[str, str]) -> str:
    return f"approval requested for {request['item']}"


@app.activity_trigger(input_name="decision")
def process_approval(decision: dict[str, object]) -> str:
    verdict = "approved" if decision["approved"] else "rejected"
    return f"{verdict} by {decision['by']}"


@app.activity_trigger(input_name="request")
def escalate(request: dict[str, str]) -> str:
    return f"escalated {request['item']} to {request['manager']}"
