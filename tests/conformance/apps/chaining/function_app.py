"""Function chaining: each activity's output feeds the next one (sample style, Python v2)."""

import os
from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
import azure.functions as func

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


def _json_body(req: func.HttpRequest) -> object:
    return req.get_json() if req.get_body() else None


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["functionName"], None, _json_body(req))
    return client.create_check_status_response(req, instance_id)


@app.route(route="start-and-wait/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start_and_wait(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["functionName"], None, _json_body(req))
    return await client.wait_for_completion_or_create_check_status_response(
        req, instance_id, timeout_in_milliseconds=10_000, retry_interval_in_milliseconds=20
    )


@app.orchestration_trigger(context_name="context")
def hello_chain(context: df.DurableOrchestrationContext) -> Orchestration:
    cities = context.get_input() or ["Tokyo", "Seattle", "London"]
    greetings = []
    for city in cities:
        greetings.append((yield context.call_activity("say_hello", city)))
    summary = yield context.call_activity("join_greetings", greetings)
    return {"greetings": greetings, "summary": summary}


@app.activity_trigger(input_name="city")
def say_hello(city: str) -> str:
    # CHAINING_GREETING comes from local.settings.json: the host exports its Values.
    return f"{os.environ.get('CHAINING_GREETING', 'Hello')} {city}!"


@app.activity_trigger(input_name="greetings")
async def join_greetings(greetings: list[str]) -> str:
    # An async activity: the host awaits it on the worker loop instead of a thread.
    return " ".join(greetings)
