"""POST /api/runs/{id}/resume: answer a run's pending interrupts.

The body is ``{"resume": value}`` when exactly one interrupt is pending, or
``{"resume": {"<interrupt id>": value, ...}}`` to answer several (parallel
branches) or one by id. Answers are checked against the interrupts the run
shows right now (409 when nothing is pending or an id is unknown); the
orchestrator checks again when the answer arrives, so an answer that raced
another one is recorded as rejected and never applied to a newer question.

An interrupt id is 16 lowercase hex digits, new for every question (the status
lists them). A JSON object whose keys are all shaped like ids, or that names a
pending id, is read as answers by id; any other value is the answer itself, as
LangGraph reads ``Command(resume=...)``. When the interrupt's node declares an
``answer_model``, each answer must validate against it (422 with pydantic's
errors), so a wrong answer is refused here instead of failing the run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ApiError


def answers_for(
    body: Any,
    pending: list[Mapping[str, Any]],
    instance_id: str,
    answer_models: Mapping[str, type[BaseModel]] | None = None,
) -> dict[str, Any]:
    """The ``{interrupt id: value}`` map a resume body means (validated), or an ApiError."""
    answers = _answers(body, pending, instance_id)
    models = answer_models or {}
    # A breakpoint's answer is no answer to the node (null, or breakpoints for the rest).
    nodes = {str(i["id"]): str(i.get("node")) for i in pending if not i.get("pause")}
    for interrupt_id, value in answers.items():
        model = models.get(nodes.get(interrupt_id, ""))
        if model is None:
            continue
        try:
            model.model_validate(value)
        except ValidationError as exc:
            raise ApiError(
                422,
                "validation_error",
                f"the answer to interrupt {interrupt_id!r} (node {nodes[interrupt_id]!r}) "
                f"is not a valid {model.__name__}",
                json.loads(exc.json(include_url=False)),
            ) from exc
    return answers


def _answers(body: Any, pending: list[Mapping[str, Any]], instance_id: str) -> dict[str, Any]:
    if not isinstance(body, dict) or set(body) != {"resume"}:
        raise ApiError(
            400,
            "invalid_body",
            'resume body must be a JSON object {"resume": <value>} or '
            '{"resume": {"<interrupt id>": <value>, ...}}',
        )
    if not pending:
        raise ApiError(
            409,
            "no_pending_interrupt",
            f"run {instance_id!r} has no pending interrupt to resume",
        )
    ids = [str(i["id"]) for i in pending]
    value = body["resume"]
    if isinstance(value, dict) and value and all(key in ids for key in value):
        return dict(value)
    if isinstance(value, dict) and value and any(key in ids for key in value):
        unknown = sorted(key for key in value if key not in ids)
        raise ApiError(
            409,
            "unknown_interrupt",
            f"run {instance_id!r} has no pending interrupt with id {unknown[0]!r}; pending: {ids}",
            {"pending": ids},
        )
    if len(ids) > 1:
        raise ApiError(
            409,
            "ambiguous_resume",
            f"run {instance_id!r} has {len(ids)} pending interrupts; answer them by id: "
            '{"resume": {"<interrupt id>": <value>, ...}}',
            {"pending": ids},
        )
    if isinstance(value, dict) and value and _looks_like_ids(value):
        raise ApiError(
            409,
            "unknown_interrupt",
            f"run {instance_id!r} has no pending interrupt with id {next(iter(value))!r}; "
            f"pending: {ids}",
            {"pending": ids},
        )
    return {ids[0]: value}


def _looks_like_ids(value: Mapping[str, Any]) -> bool:
    """Keys shaped like interrupt ids (16 hex digits): an answer meant for another question."""
    return all(len(k) == 16 and all(c in "0123456789abcdef" for c in k) for k in value)
