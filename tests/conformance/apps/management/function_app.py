"""Instance management through the client: terminate, purge, list and filter."""

import json
from collections.abc import Generator
from datetime import datetime
from typing import Any

import azure.durable_functions as df
import azure.functions as func
from azure.durable_functions.models import DurableOrchestrationStatus

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


def _summaries(statuses: list[DurableOrchestrationStatus]) -> func.HttpResponse:
    rows = [
        {"instanceId": s.instance_id, "name": s.name, "runtimeStatus": s.runtime_status.name}
        for s in statuses
    ]
    return func.HttpResponse(json.dumps(rows), mimetype="application/json")


@app.route(route="orchestrators/{functionName}/{instanceId?}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    body = req.get_json() if req.get_body() else None
    instance_id = await client.start_new(
        req.route_params["functionName"], req.route_params.get("instanceId"), body
    )
    return client.create_check_status_response(req, instance_id)


@app.route(route="runs", methods=["GET"])
@app.durable_client_input(client_name="client")
async def list_all(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    return _summaries(await client.get_status_all())


@app.route(route="runs-by", methods=["GET"])
@app.durable_client_input(client_name="client")
async def list_by(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    statuses = req.params.get("status")
    created_from = req.params.get("from")
    found = await client.get_status_by(
        created_time_from=datetime.fromisoformat(created_from) if created_from else None,
        runtime_status=[df.OrchestrationRuntimeStatus(s) for s in statuses.split(",")]
        if statuses
        else None,
        instance_id_prefix=req.params.get("prefix"),
    )
    return _summaries(found)


@app.route(route="runs/{instanceId}/terminate", methods=["POST"])
@app.durable_client_input(client_name="client")
async def terminate(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    await client.terminate(req.route_params["instanceId"], req.params.get("reason", "no reason"))
    return func.HttpResponse(status_code=202)


@app.route(route="runs/{instanceId}", methods=["DELETE"])
@app.durable_client_input(client_name="client")
async def purge(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    result = await client.purge_instance_history(req.route_params["instanceId"])
    body = {"instancesDeleted": result.instances_deleted}
    return func.HttpResponse(json.dumps(body), mimetype="application/json")


@app.orchestration_trigger(context_name="context")
def wait_forever(context: df.DurableOrchestrationContext) -> Orchestration:
    context.set_custom_status("waiting")
    yield context.wait_for_external_event("never")
    return "released"


@app.orchestration_trigger(context_name="context")
def echo(context: df.DurableOrchestrationContext) -> Orchestration:
    return (yield context.call_activity("shout", context.get_input()))


@app.activity_trigger(input_name="text")
def shout(text: str) -> str:
    return text.upper()
