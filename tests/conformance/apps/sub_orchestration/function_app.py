"""Sub-orchestrations: a parent runs children in sequence, in parallel, and with retries."""

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
import azure.functions as func

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

# Attempts per key, counted by an activity so replays do not count twice.
ATTEMPTS: dict[str, int] = {}


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["functionName"], None, req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext) -> Orchestration:
    cities = context.get_input()
    first = yield context.call_sub_orchestrator("greet_city", cities[0])
    others = yield context.task_all(
        [
            context.call_sub_orchestrator("greet_city", city, f"{context.instance_id}-{city}")
            for city in cities[1:]
        ]
    )
    retry = df.RetryOptions(first_retry_interval_in_milliseconds=20, max_number_of_attempts=3)
    retried = yield context.call_sub_orchestrator_with_retry(
        "flaky_child", retry, {"key": context.instance_id, "failures": 2}
    )
    return {"greetings": [first, *others], "retried": retried}


@app.orchestration_trigger(context_name="context")
def parent_of_failing_child(context: df.DurableOrchestrationContext) -> Orchestration:
    try:
        yield context.call_sub_orchestrator(
            "flaky_child", {"key": context.instance_id, "failures": 9}
        )
    except Exception as error:
        return {"child_failed": True, "message": str(error)}
    return {"child_failed": False}


@app.orchestration_trigger(context_name="context")
def greet_city(context: df.DurableOrchestrationContext) -> Orchestration:
    return (yield context.call_activity("greet", context.get_input()))


@app.orchestration_trigger(context_name="context")
def flaky_child(context: df.DurableOrchestrationContext) -> Orchestration:
    spec = context.get_input()
    attempt = yield context.call_activity("count_attempt", spec["key"])
    if attempt <= spec["failures"]:
        raise RuntimeError(f"child attempt {attempt} failed")
    return f"child succeeded on attempt {attempt}"


@app.activity_trigger(input_name="city")
def greet(city: str) -> str:
    return f"Hello {city}!"


@app.activity_trigger(input_name="key")
def count_attempt(key: str) -> int:
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    return ATTEMPTS[key]
