"""A run's steps, its running state, and forks, read from the step log entities.

The orchestrator signals its step records, in batches, to
``durable_graph_steps@<instance id>|<log id>|<execution>`` (durable/steplog.py); this module
reads them back through the Durable client, so it works on Azure as on the local
host, across continue-as-new boundaries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from azure.durable_functions import EntityId
from pydantic import ValidationError

from ..durable.progress import Progress
from ..durable.protocol import ENGINE_V2, STEPS_ENTITY, RunInput, entity_key
from ..durable.steplog import fold, new_log_id, replay_changes
from ..durable.wire import decode_json_text
from ..errors import GraphVersionNotRegistered
from ..graph.manifest import GraphRegistration
from ..graph.registry import GraphRegistry
from .errors import ApiError
from .step_log_cache import StepLogCache, logged_count

logger = logging.getLogger(__name__)

MAX_PAGE = 500
#: Body keys of POST /api/graphs/{name}/runs that start a fork of an earlier run.
FORK_KEYS = ("from_run", "from_step", "state_patch")


def step_count(status: Any) -> int:
    """How many executions the run has had (each keeps its own step log entity)."""
    custom = decode_json_text(getattr(status, "custom_status", None))
    executions = custom.get("executions") if isinstance(custom, dict) else None
    return executions if isinstance(executions, int) and executions > 0 else 1


def records_steps(status: Any) -> bool:
    """Whether the run keeps a step log (engine v2, started by an app with step_log on)."""
    try:
        run = RunInput.parse(getattr(status, "input_", None))
    except Exception:
        return False
    return run.engine >= 2 and run.record_steps


async def fork_input(
    client: Any,
    registry: GraphRegistry,
    registration: GraphRegistration,
    source_status: Any,
    body: Mapping[str, Any],
    *,
    step_log: bool,
) -> tuple[GraphRegistration, RunInput]:
    """LangGraph's time travel as a new durable run: the state after a step, what came next.

    The fork runs on the source run's graph version (its hash), as long as it is
    still registered, so it continues the graph it forked from.
    """
    if "input" in body:
        raise ApiError(400, "invalid_body", "a fork takes 'from_run' and 'from_step', not 'input'")
    from_step = body.get("from_step")
    if isinstance(from_step, float) and from_step.is_integer():
        from_step = int(from_step)  # JSON Schema's integer: 2.0 is 2
    if isinstance(from_step, bool) or not isinstance(from_step, int):
        raise ApiError(
            400,
            "invalid_body",
            "a fork needs 'from_run' (a run's instance id) and 'from_step' (a superstep number)",
        )
    source = RunInput.parse(source_status.input_)
    if source.graph_name != registration.graph_name:
        raise ApiError(
            409,
            "graph_mismatch",
            f"run {body.get('from_run')!r} is a run of graph {source.graph_name!r}, "
            f"not {registration.graph_name!r}",
        )
    try:
        pinned = registry.get(source.graph_name, source.graph_hash)
    except GraphVersionNotRegistered as exc:
        raise ApiError(409, "graph_version_not_registered", str(exc)) from exc
    instance_id = str(source_status.instance_id)
    steps = await all_steps(client, instance_id, step_count(source_status), source.log_id)
    progress = fork_progress(steps, from_step, body.get("state_patch"))
    try:
        progress["state"] = pinned.codec.validate_input(progress["state"])
    except ValidationError as exc:
        raise ApiError(
            422,
            "validation_error",
            "the forked state is not valid for the graph",
            json.loads(exc.json(include_url=False)),
        ) from exc
    run = RunInput(
        pinned.graph_name,
        pinned.graph_hash,
        {},
        steps_per_execution=source.steps_per_execution or pinned.manifest.steps_per_execution,
        progress=progress,
        record_steps=step_log,
        log_id=new_log_id() if step_log else None,
        config=source.config,
        context=source.context,
        interrupt_before=source.interrupt_before,
        interrupt_after=source.interrupt_after,
    )
    # LangGraph's time travel resumes: no pause before its first superstep (breakpoints.py).
    progress["resuming"] = True
    return pinned, run


def log_id(status: Any) -> str | None:
    """The run's step log id, read from its input (None for runs recorded before them)."""
    try:
        return RunInput.parse(getattr(status, "input_", None)).log_id
    except Exception:
        return None


def log_batched(status: Any) -> bool:
    """Whether the run writes its step log in batches (durable/steplog.py): such a log lags
    a working run by up to `STEP_LOG_BATCH` supersteps, and catches up when it waits."""
    try:
        return RunInput.parse(getattr(status, "input_", None)).step_log_batched
    except Exception:
        return False


async def read_records(
    client: Any, instance_id: str, execution: int, log: str | None
) -> list[dict[str, Any]]:
    """The records of one execution (empty when its entity does not exist yet)."""
    response = await client.read_entity_state(
        EntityId(STEPS_ENTITY, entity_key(instance_id, execution, log))
    )
    if not response.entity_exists:
        return []
    records = decode_json_text(response.entity_state)
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


async def purge_step_log(client: Any, status: Any) -> None:
    """Purge a run's step log entities (a finished run being replaced by one with its id).

    On Azure, entities are stored as instances named ``@name@key``, so purging that id
    deletes one; the local host does the same. A failure is logged, never raised: the new
    run reads its own log (its log id differs) whatever is left behind.
    """
    instance_id = str(getattr(status, "instance_id", ""))
    log = log_id(status)
    for execution in range(1, step_count(status) + 1):
        key = entity_key(instance_id, execution, log)
        try:
            await client.purge_instance_history(f"@{STEPS_ENTITY}@{key}")
        except Exception:  # nothing recorded for this execution, or the backend refused
            logger.info("step log %s of a replaced run was not purged", key, exc_info=True)


async def all_steps(
    client: Any, instance_id: str, executions: int, log: str | None
) -> list[dict[str, Any]]:
    """Every recorded step of the run, in order, each with the state after it."""
    records: list[dict[str, Any]] = []
    for execution in range(1, executions + 1):
        records.extend(await read_records(client, instance_id, execution, log))
    return fold(records)


async def running_state(
    client: Any, status: Any, executions: int, cache: StepLogCache | None = None
) -> dict[str, Any] | None:
    """The state now: where the current execution started, plus its recorded steps.

    Steps are recorded asynchronously and in batches (durable/steplog.py), so while
    the run works this may lag it by up to `STEP_LOG_BATCH` supersteps (or to where
    its execution started); while it waits for an event or a resume, it does not.
    With a `cache`, records read before are reused while the run's custom status
    says none were sent since (step_log_cache.py).
    """
    try:
        run = RunInput.parse(getattr(status, "input_", None))
    except Exception:
        return None
    if run.engine < ENGINE_V2 or not run.record_steps:
        return None
    state = dict((run.progress or {}).get("state") or run.state)
    instance_id = str(status.instance_id)
    logged = logged_count(status, decode_json_text(getattr(status, "custom_status", None)))
    if cache is None or logged is None or run.log_id is None:
        records = await read_records(client, instance_id, executions, run.log_id)
        return replay_changes(state, records)
    key = (instance_id, run.log_id, executions)
    cached = cache.get(key, logged)
    if cached is None:
        cached = await read_records(client, instance_id, executions, run.log_id)
        cache.put(key, cached)
    return replay_changes(state, cached)


def page(steps: list[dict[str, Any]], query: Mapping[str, str]) -> dict[str, Any]:
    """``?from_step=n&page_size=m``: steps with superstep >= n, at most m of them."""
    from_step = _int(query, "from_step", 1, minimum=0)
    size = _int(query, "page_size", 100, minimum=1, maximum=MAX_PAGE)
    chosen = [s for s in steps if int(s.get("superstep", 0)) >= from_step][: size + 1]
    more = len(chosen) > size
    chosen = chosen[:size]
    return {
        "steps": chosen,
        "next_from_step": int(chosen[-1]["superstep"]) + 1 if more and chosen else None,
    }


def fork_progress(steps: list[dict[str, Any]], from_step: int, patch: Any) -> dict[str, Any]:
    """The progress a forked run starts from: the state after `from_step`, at what came next."""
    chosen = next((s for s in steps if s.get("superstep") == from_step), None)
    if chosen is None:
        known = [s.get("superstep") for s in steps]
        raise ApiError(
            404,
            "step_not_found",
            f"the run has no recorded step {from_step}; recorded steps: {known[:20]}",
            {"recorded": known},
        )
    if not chosen.get("next"):
        raise ApiError(
            409,
            "nothing_after_step",
            f"step {from_step} ended the run; fork from an earlier step",
        )
    state = dict(chosen["state"])
    if patch is not None:
        if not isinstance(patch, dict):
            raise ApiError(400, "invalid_body", "'state_patch' must be a JSON object")
        state.update(patch)
    path = [node for s in steps if int(s["superstep"]) <= from_step for node in s["nodes"]]
    progress = Progress(
        state=state,
        active=list(chosen["next"]),
        deferred=list(chosen.get("deferred") or []),
        superstep=from_step,
        path=path,
        last_node=path[-1] if path else "",
    )
    return progress.to_dict()


def _int(
    query: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum or (maximum is not None and value > maximum):
        bound = f" and <= {maximum}" if maximum is not None else ""
        raise ApiError(
            400, "invalid_query", f"{name} must be an integer >= {minimum}{bound}; got {raw!r}"
        )
    return value
