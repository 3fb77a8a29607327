"""Durable apps the engine tests run: unmodified DFApp code in the style of the official samples."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp()

# Activity calls per input, so tests can see retries and re-runs; guarded for the thread pool.
calls: dict[str, int] = {}
_calls_lock = threading.Lock()

#: Flip to make `shifty` schedule a different activity on replay (a code change mid-flight).
shifty_uses_new_code = False


def count_call(key: str) -> int:
    with _calls_lock:
        calls[key] = calls.get(key, 0) + 1
        return calls[key]


# Function chaining -------------------------------------------------------------------------------


@app.orchestration_trigger(context_name="context")
def hello_sequence(context: df.DurableOrchestrationContext) -> Any:
    first = yield context.call_activity("say_hello", context.get_input())
    second = yield context.call_activity("say_hello", "Seattle")
    third = yield context.call_activity("say_hello", "London")
    return [first, second, third]


@app.activity_trigger(input_name="city")
def say_hello(city: str) -> str:
    return f"Hello {city}!"


@app.function_name("RenamedActivity")
@app.activity_trigger(input_name="payload")
async def shout(payload: dict[str, Any], context: func.Context) -> dict[str, Any]:
    return {"upper": payload["text"].upper(), "function": context.function_name}


@app.orchestration_trigger(context_name="context", orchestration="Shouter")
def shouter(context: df.DurableOrchestrationContext) -> Any:
    return (yield context.call_activity("renamedactivity", {"text": context.get_input()}))


# Fan-out / fan-in --------------------------------------------------------------------------------


@app.orchestration_trigger(context_name="context")
def fan_out_fan_in(context: df.DurableOrchestrationContext) -> Any:
    count = context.get_input()
    squares = yield context.task_all([context.call_activity("square", n) for n in range(count)])
    return sum(squares)


@app.activity_trigger(input_name="n")
def square(n: int) -> int:
    return n * n


@app.orchestration_trigger(context_name="context")
def first_of_two(context: df.DurableOrchestrationContext) -> Any:
    winner = yield context.task_any(
        [context.wait_for_external_event("left"), context.wait_for_external_event("right")]
    )
    return winner.result


# Human interaction with a timeout ----------------------------------------------------------------


@app.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext) -> Any:
    deadline = context.current_utc_datetime + timedelta(hours=72)
    timeout = context.create_timer(deadline)
    answer = context.wait_for_external_event("approve")
    winner = yield context.task_any([answer, timeout])
    if winner == answer:
        timeout.cancel()
        return {"approved": answer.result}
    return {"approved": None, "timed_out_at": context.current_utc_datetime.isoformat()}


@app.orchestration_trigger(context_name="context")
def nap(context: df.DurableOrchestrationContext) -> Any:
    started = context.current_utc_datetime
    yield context.create_timer(started + timedelta(minutes=context.get_input()))
    return (context.current_utc_datetime - started).total_seconds()


@app.orchestration_trigger(context_name="context")
def collect_two(context: df.DurableOrchestrationContext) -> Any:
    first = yield context.wait_for_external_event("item")
    second = yield context.wait_for_external_event("item")
    return [first, second]


# Sub-orchestrations ------------------------------------------------------------------------------


@app.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext) -> Any:
    doubled = yield context.call_sub_orchestrator("child", 21)
    named = yield context.call_sub_orchestrator(
        "child", 5, instance_id=f"{context.instance_id}-named"
    )
    return {"doubled": doubled, "named": named, "parent": context.instance_id}


@app.orchestration_trigger(context_name="context")
def child(context: df.DurableOrchestrationContext) -> Any:
    value = yield context.call_activity("double", context.get_input())
    return value


@app.activity_trigger(input_name="n")
def double(n: int) -> int:
    return n * 2


@app.orchestration_trigger(context_name="context")
def parent_of_failure(context: df.DurableOrchestrationContext) -> Any:
    try:
        yield context.call_sub_orchestrator("exploding", None)
    except Exception as exc:  # the sub-orchestration's failure arrives as an exception
        return f"caught: {exc}"
    return "not reached"


# Retries -----------------------------------------------------------------------------------------


@app.orchestration_trigger(context_name="context")
def retrying(context: df.DurableOrchestrationContext) -> Any:
    options = df.RetryOptions(first_retry_interval_in_milliseconds=5000, max_number_of_attempts=3)
    return (yield context.call_activity_with_retry("flaky", options, context.get_input()))


@app.activity_trigger(input_name="job")
def flaky(job: dict[str, Any]) -> str:
    attempt = count_call(job["key"])
    if attempt < job["succeed_on"]:
        raise ConnectionError(f"attempt {attempt} failed")
    return f"ok after {attempt}"


@app.orchestration_trigger(context_name="context")
def retrying_pair(context: df.DurableOrchestrationContext) -> Any:
    options = df.RetryOptions(first_retry_interval_in_milliseconds=1000, max_number_of_attempts=2)
    jobs = context.get_input()
    results = yield context.task_all(
        [context.call_activity_with_retry("flaky", options, job) for job in jobs]
    )
    after = yield context.call_activity("say_hello", "after")
    return [*results, after]


@app.orchestration_trigger(context_name="context")
def retrying_child(context: df.DurableOrchestrationContext) -> Any:
    options = df.RetryOptions(first_retry_interval_in_milliseconds=2000, max_number_of_attempts=3)
    return (
        yield context.call_sub_orchestrator_with_retry("flaky_child", options, context.get_input())
    )


@app.orchestration_trigger(context_name="context")
def flaky_child(context: df.DurableOrchestrationContext) -> Any:
    result = yield context.call_activity("flaky", context.get_input())
    return {"child": context.instance_id, "result": result}


# continue_as_new, custom status, failures, termination -------------------------------------------


@app.orchestration_trigger(context_name="context")
def counter(context: df.DurableOrchestrationContext) -> Any:
    count = context.get_input()
    yield context.create_timer(context.current_utc_datetime + timedelta(seconds=30))
    if count < 3:
        context.continue_as_new(count + 1)
        return None
    return count


@app.orchestration_trigger(context_name="context")
def accumulator(context: df.DurableOrchestrationContext) -> Any:
    total = context.get_input()
    added = yield context.wait_for_external_event("add")
    total += added
    if total < 10:
        context.continue_as_new(total)
        return None
    return total


@app.orchestration_trigger(context_name="context")
def with_status(context: df.DurableOrchestrationContext) -> Any:
    context.set_custom_status({"stage": "waiting"})
    decision = yield context.wait_for_external_event("go")
    context.set_custom_status({"stage": "done", "decision": decision})
    return decision


@app.orchestration_trigger(context_name="context")
def exploding(context: df.DurableOrchestrationContext) -> Any:
    yield context.call_activity("say_hello", "before the crash")
    raise ValueError("the orchestrator gave up")


@app.orchestration_trigger(context_name="context")
def catches_activity_error(context: df.DurableOrchestrationContext) -> Any:
    try:
        yield context.call_activity("flaky", {"key": context.instance_id, "succeed_on": 99})
    except Exception as exc:
        return str(exc)
    return "not reached"


@app.orchestration_trigger(context_name="context")
def forever(context: df.DurableOrchestrationContext) -> Any:
    yield context.call_activity("say_hello", "once")
    yield context.wait_for_external_event("never")
    return "unreachable"


@app.orchestration_trigger(context_name="context")
def shifty(context: df.DurableOrchestrationContext) -> Any:
    name = "double" if shifty_uses_new_code else "square"
    value = yield context.call_activity(name, 3)
    yield context.wait_for_external_event("continue")
    return value


@app.orchestration_trigger(context_name="context")
def sequence_of(context: df.DurableOrchestrationContext) -> Any:
    total = 0
    for n in range(context.get_input()):
        total += yield context.call_activity("square", n)
    return total


@app.orchestration_trigger(context_name="context")
def slow_fan_out(context: df.DurableOrchestrationContext) -> Any:
    results = yield context.task_all(
        [context.call_activity("blocking", n) for n in range(context.get_input())]
    )
    return results


@app.activity_trigger(input_name="n")
def blocking(n: int) -> int:
    global active, most_active
    with _calls_lock:
        active += 1
        most_active = max(most_active, active)
    gate.wait(timeout=30)
    with _calls_lock:
        active -= 1
    return n


#: `blocking` waits on this gate and counts how many of it run at once.
gate = threading.Event()
active = 0
most_active = 0


@app.orchestration_trigger(context_name="context")
def short_nap(context: df.DurableOrchestrationContext) -> Any:
    yield context.create_timer(
        context.current_utc_datetime + timedelta(milliseconds=context.get_input())
    )
    return "rested"


@app.orchestration_trigger(context_name="context")
def fails_after_scheduling(context: df.DurableOrchestrationContext) -> Any:
    # The event is already buffered, so task_any resolves in the same episode that
    # scheduled the activity: the SDK reports both the new action and the failure.
    yield context.task_any(
        [context.wait_for_external_event("go"), context.call_activity("say_hello", "late")]
    )
    raise RuntimeError("failed right after scheduling")


@app.orchestration_trigger(context_name="context")
def calls_missing_activity(context: df.DurableOrchestrationContext) -> Any:
    try:
        yield context.call_activity("does_not_exist", None)
    except Exception as exc:
        return str(exc)
    return "not reached"


@app.orchestration_trigger(context_name="context")
def parent_of_forever(context: df.DurableOrchestrationContext) -> Any:
    try:
        yield context.call_sub_orchestrator(
            "forever", None, instance_id=f"{context.instance_id}-kid"
        )
    except Exception as exc:
        return f"caught: {exc}"
    return "not reached"


# Entities ----------------------------------------------------------------------------------------


@app.entity_trigger(context_name="context")
def counter_entity(context: df.DurableEntityContext) -> None:
    value = context.get_state(lambda: 0)
    operation = context.operation_name
    if operation == "add":
        value += context.get_input()
        context.set_state(value)
    elif operation == "get":
        context.set_result(value)
    elif operation == "explode":
        raise ValueError("the counter exploded")
    else:
        context.set_state(value)


@app.orchestration_trigger(context_name="context")
def uses_counter(context: df.DurableOrchestrationContext) -> Any:
    entity = df.EntityId("counter_entity", context.get_input())
    context.signal_entity(entity, "add", 5)
    yield context.call_entity(entity, "add", 2)
    total = yield context.call_entity(entity, "get")
    try:
        yield context.call_entity(entity, "explode")
    except Exception as exc:
        return {"total": total, "error": str(exc)}
    return {"total": total, "error": None}


@app.orchestration_trigger(context_name="context")
def pausing_chain(context: df.DurableOrchestrationContext) -> Any:
    """Activities, a durable timer, an external event, a retried activity: a restart point each."""
    total = 0
    for n in range(3):
        total += yield context.call_activity("square", n)
    yield context.create_timer(context.current_utc_datetime + timedelta(minutes=1))
    for n in range(3, 5):
        total += yield context.call_activity("square", n)
    extra = yield context.wait_for_external_event("extra")
    retry = df.RetryOptions(first_retry_interval_in_milliseconds=1000, max_number_of_attempts=3)
    flaky_result = yield context.call_activity_with_retry(
        "flaky", retry, {"key": f"{context.instance_id}-{extra}", "succeed_on": 2}
    )
    return [total + extra, flaky_result]
