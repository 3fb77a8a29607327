"""Property-based requests generated from `/api/openapi.json` (schemathesis), sent to `serve`.

Valid and invalid requests for every operation; every answer must pass all of
schemathesis's checks (below 500, conforming to the document, invalid requests
refused and valid ones not) and, when it is an error, have the one documented shape.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks as st_checks
from schemathesis.generation import GenerationMode

from tests.soak.serving import call

# Every check schemathesis has, among them: no 5xx; status, content type, headers and body
# as documented; what the schema forbids is refused (negative_data_rejection) and what it
# allows is not refused with 400/422 (positive_data_acceptance).
st_checks.load_all_checks()
CHECKS = st_checks.CHECKS.get_all()


@dataclass
class FuzzReport:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    unsatisfiable: list[str] = field(default_factory=list)


def error_shape_problem(status: int, body: Any, *, langgraph: bool = False) -> str | None:
    """Why an error body is not `{"error": {"code", "message", "details"}}` (or, on the
    Agent Server routes, LangGraph's `{"detail": "..."}`), or None."""
    if status < 400:
        return None
    if langgraph and isinstance(body, dict) and set(body) == {"detail"}:
        return None if isinstance(body["detail"], str) else f"{status} detail is not a string"
    if not isinstance(body, dict) or set(body) != {"error"}:
        return f"{status} body is not {{'error': ...}}: {body!r}"[:300]
    error = body["error"]
    if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        return f"{status} error object lacks code/message/details: {error!r}"[:300]
    if not isinstance(error["code"], str) or not isinstance(error["message"], str):
        return f"{status} code and message must be strings: {error!r}"[:300]
    return None


def fuzz(base_url: str, *, max_examples: int, deadline_seconds: float) -> FuzzReport:
    """Fuzz every operation in both modes; raises on the first failing example."""
    status, document = call("GET", f"{base_url}/api/openapi.json")
    assert status == 200, document
    schema = schemathesis.openapi.from_dict(document)
    report = FuzzReport()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    share = deadline_seconds / (2 * len(operations))
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            inputs = (operation.path_parameters, operation.query, operation.body)
            if mode is GenerationMode.NEGATIVE and not any(len(i) for i in inputs):
                report.unsatisfiable.append(f"{operation.label} {mode.value}")
                continue  # nothing to make invalid (e.g. GET /health)
            try:
                _fuzz_one(operation, mode, base_url, max_examples, time.monotonic() + share, report)
            except Unsatisfiable:
                # Nothing to make invalid (e.g. GET /health in negative mode).
                report.unsatisfiable.append(f"{operation.label} {mode.value}")
    report.seconds = time.monotonic() - started
    return report


def _fuzz_one(
    operation: Any,
    mode: GenerationMode,
    base_url: str,
    max_examples: int,
    until: float,
    report: FuzzReport,
) -> None:
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate),  # no shrinking: bounded time
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def one(case: Any) -> None:
        if time.monotonic() > until:
            return  # this operation's share of the time is used up
        response = case.call(base_url=f"{base_url}/api")
        report.requests += 1
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
            body = response.json() if response.status_code >= 400 else None
            langgraph = str(case.path).startswith("/langgraph/")
            problem = error_shape_problem(response.status_code, body, langgraph=langgraph)
            assert problem is None, problem
        except Exception as exc:  # quiet Hypothesis: say how to reproduce here
            raise AssertionError(
                f"{case.method} {case.formatted_path} -> {response.status_code}: {exc}\n"
                f"reproduce: {case.as_curl_command()}"
            ) from exc

    one()
