"""Slow runs for the crash test: a chain of sleeping activities and a wall-clock timer."""

import os
import time
from collections.abc import Generator
from datetime import timedelta
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

# What an orchestrator function is to the SDK: a generator of durable tasks.
Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="orchestrators/{functionName}/{instanceId?}", methods=["POST"])
@app.durable_client_input(client_name="client")
async def http_start(
    req: func.HttpRequest, client: df.DurableOrchestrationClient
) -> func.HttpResponse:
    instance_id = await client.start_new(
        req.route_params["functionName"], req.route_params.get("instanceId"), req.get_json()
    )
    return client.create_check_status_response(req, instance_id)


@app.orchestration_trigger(context_name="context")
def slow_chain(context: df.DurableOrchestrationContext) -> Orchestration:
    results = []
    for step in range(context.get_input()["steps"]):
        context.set_custom_status({"done": step})
        results.append((yield context.call_activity("slow_step", [context.instance_id, step])))
    context.set_custom_status({"done": len(results)})
    return results


@app.orchestration_trigger(context_name="context")
def timer_then_step(context: df.DurableOrchestrationContext) -> Orchestration:
    seconds = context.get_input()["seconds"]
    context.set_custom_status("sleeping")
    yield context.create_timer(context.current_utc_datetime + timedelta(seconds=seconds))
    context.set_custom_status("awake")
    after = yield context.call_activity("slow_step", [context.instance_id, 0])
    return {"slept": seconds, "after": after}


@app.activity_trigger(input_name="job")
def slow_step(job: list[object]) -> str:
    instance_id, step = job
    _log(f"start {instance_id}:{step}")
    time.sleep(float(os.environ.get("CRASH_STEP_SECONDS", "0.2")))
    _log(f"end {instance_id}:{step}")
    return f"{instance_id}:{step}"


def _log(line: str) -> None:
    # Executions are logged: activities are at-least-once, so a step the crash caught
    # mid-flight starts twice, but its result must appear exactly once in the output.
    log = os.environ.get("CRASH_EXECUTION_LOG")
    if log:
        with Path(log).open("a") as file:
            file.write(line + "\n")
