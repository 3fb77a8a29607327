"""Activity retries: one activity recovers within its attempts, another never does."""

from collections.abc import Generator
from typing import Any

import azure.durable_functions as df
import azure.functions as func

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

# Attempts per key; activities are not replayed, so this counts real executions.
ATTEMPTS: dict[str, int] = {}


@app.route(route="orchestrators/{functionName}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(req.route_params["functionName"], None, req.get_json())
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def retry_until_success(context: df.DurableOrchestrationContext) -> Orchestration:
    retry = df.RetryOptions(first_retry_interval_in_milliseconds=20, max_number_of_attempts=3)
    spec = {"key": context.instance_id, "failures": context.get_input()["failures"]}
    return (yield context.call_activity_with_retry("flaky", retry, spec))


@app.orchestration_trigger(context_name="context")
def retry_hourly(context: df.DurableOrchestrationContext) -> Orchestration:
    one_hour = 3_600_000
    retry = df.RetryOptions(first_retry_interval_in_milliseconds=one_hour, max_number_of_attempts=2)
    spec = {"key": context.instance_id, "failures": 1}
    return (yield context.call_activity_with_retry("flaky", retry, spec))


@app.orchestration_trigger(context_name="context")
def retry_exhausted(context: df.DurableOrchestrationContext) -> Orchestration:
    retry = df.RetryOptions(first_retry_interval_in_milliseconds=20, max_number_of_attempts=2)
    try:
        yield context.call_activity_with_retry("always_fails", retry, context.get_input())
    except Exception as error:
        return {"failed": True, "message": str(error)}
    return {"failed": False}


@app.activity_trigger(input_name="spec")
def flaky(spec: dict[str, object]) -> dict[str, int]:
    key = str(spec["key"])
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= int(str(spec["failures"])):
        raise ConnectionError(f"attempt {ATTEMPTS[key]} failed")
    return {"attempts": ATTEMPTS[key]}


@app.activity_trigger(input_name="item")
def always_fails(item: str) -> str:
    raise ValueError(f"{item} is never accepted")
