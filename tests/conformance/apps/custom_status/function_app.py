"""Custom status: an orchestrator reports its stage so pollers can follow its progress."""

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
    instance_id = await client.start_new(req.route_params["functionName"])
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def staged_review(context: df.DurableOrchestrationContext) -> Orchestration:
    context.set_custom_status({"stage": "collecting", "progress": 0})
    draft = yield context.wait_for_external_event("collected")
    context.set_custom_status({"stage": "processing", "progress": 50})
    summary = yield context.call_activity("summarize", draft)
    context.set_custom_status({"stage": "reviewing", "progress": 90, "summary": summary})
    verdict = yield context.wait_for_external_event("reviewed")
    context.set_custom_status({"stage": "done", "progress": 100})
    return {"summary": summary, "verdict": verdict}


@app.activity_trigger(input_name="draft")
def summarize(draft: dict[str, str]) -> str:
    return draft["text"].upper()
