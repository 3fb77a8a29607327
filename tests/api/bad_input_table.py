"""The bad-input table: each row a request `serve` must refuse, its status and error code.

tests/api/test_bad_input.py sends every row to the sample app on a real
socket; docs/reliability.md shows the same table (a test keeps them equal).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

START = "/api/graphs/orders/runs"
WAITING = "waiting-run"  # an `orders` run waiting for its approval event
DONE = "done-run"  # a finished `counter` run
MANAGEMENT = "/runtime/webhooks/durabletask"
DEEP = "[" * 100 + "]" * 100
LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Row:
    """One bad request: what is sent, what `serve` answers."""

    case: str
    method: str
    path: str
    body: str | None = None
    status: int = 400
    code: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def markdown(self) -> str:
        # A long run of one character reads as "{5000 x g}".
        path = re.sub(r"(.)\1{19,}", lambda m: f"{{{len(m.group(0))} x {m.group(1)}}}", self.path)
        return f"| {self.case} | `{self.method} {path}` | {self.status} | `{self.code}` |"


def _start(input_: object = None, **extra: object) -> str:
    body = {"input": {"sku": "A1"} if input_ is None else input_, **extra}
    return json.dumps(body)


ROWS: list[Row] = [
    Row("start body is not JSON", "POST", START, "{not json", 400, "invalid_json"),
    Row("start body is empty", "POST", START, "", 400, "invalid_json"),
    Row("start body is not an object", "POST", START, "[1]", 400, "invalid_body"),
    Row("start body has an unknown key", "POST", START, _start(extra=1), 400, "invalid_body"),
    Row("input is not an object", "POST", START, '{"input": 5}', 400, "invalid_body"),
    Row("input fails the state model", "POST", START, _start({"sku": ""}), 422, "validation_error"),
    Row("input left out, model has required fields", "POST", START, "{}", 422, "validation_error"),
    Row("graph is not registered", "POST", "/api/graphs/nope/runs", "{}", 404, "graph_not_found"),
    Row("instance_id is null", "POST", START, _start(instance_id=None), 400, "invalid_instance_id"),
    Row(
        "instance_id is a number", "POST", START, _start(instance_id=7), 400, "invalid_instance_id"
    ),
    Row(
        "instance_id has %2F",
        "POST",
        START,
        _start(instance_id="a%2Fb"),
        400,
        "invalid_instance_id",
    ),
    Row(
        "instance_id has %41",
        "POST",
        START,
        _start(instance_id="abc%41"),
        400,
        "invalid_instance_id",
    ),
    Row("instance_id is '.'", "POST", START, _start(instance_id="."), 400, "invalid_instance_id"),
    Row("instance_id is '..'", "POST", START, _start(instance_id=".."), 400, "invalid_instance_id"),
    Row(
        "instance_id is '%2e'", "POST", START, _start(instance_id="%2e"), 400, "invalid_instance_id"
    ),
    Row(
        "instance_id has a slash",
        "POST",
        START,
        _start(instance_id="a/b"),
        400,
        "invalid_instance_id",
    ),
    Row(
        "instance_id has a NUL",
        "POST",
        START,
        _start(instance_id="a\0b"),
        400,
        "invalid_instance_id",
    ),
    Row(
        "instance_id of 5,000 characters",
        "POST",
        START,
        _start(instance_id="x" * 5000),
        400,
        "invalid_instance_id",
    ),
    Row(
        "instance_id of a running run",
        "POST",
        START,
        _start(instance_id=WAITING),
        409,
        "instance_exists",
    ),
    Row(
        "start body nests 100 deep",
        "POST",
        START,
        f'{{"input": {{"sku": "A", "x": {DEEP}}}}}',
        400,
        "invalid_json",
    ),
    Row(
        "start body has NaN",
        "POST",
        START,
        '{"input": {"sku": "A", "quantity": NaN}}',
        400,
        "invalid_json",
    ),
    Row(
        "start body has Infinity",
        "POST",
        START,
        '{"input": {"sku": "A", "quantity": Infinity}}',
        400,
        "invalid_json",
    ),
    Row(
        "start body over 1 MiB",
        "POST",
        START,
        _start({"sku": "A", "pad": "x" * LIMIT}),
        413,
        "request_too_large",
    ),
    Row("run id '%2e'", "GET", "/api/runs/%2e", None, 404, "instance_not_found"),
    Row("run id '%2e%2e'", "GET", "/api/runs/%2e%2e", None, 404, "instance_not_found"),
    Row("run id unknown", "GET", "/api/runs/no-such-run", None, 404, "instance_not_found"),
    Row(
        "event the graph has no handler for",
        "POST",
        f"/api/runs/{WAITING}/events/nope",
        "{}",
        400,
        "unknown_event",
    ),
    Row(
        "event to a finished run",
        "POST",
        f"/api/runs/{DONE}/events/approval",
        "{}",
        409,
        "run_finished",
    ),
    Row(
        "event to an unknown run",
        "POST",
        "/api/runs/nope/events/approval",
        "{}",
        404,
        "instance_not_found",
    ),
    Row(
        "event payload nests 100 deep",
        "POST",
        f"/api/runs/{WAITING}/events/approval",
        DEEP,
        400,
        "invalid_json",
    ),
    Row(
        "event payload is NaN",
        "POST",
        f"/api/runs/{WAITING}/events/approval",
        "NaN",
        400,
        "invalid_json",
    ),
    Row(
        "event payload over 1 MiB",
        "POST",
        f"/api/runs/{WAITING}/events/approval",
        json.dumps("x" * LIMIT),
        413,
        "request_too_large",
    ),
    Row(
        "cancel body has an unknown key",
        "POST",
        f"/api/runs/{WAITING}/cancel",
        '{"why": 1}',
        400,
        "invalid_body",
    ),
    Row(
        "cancel reason is not a string",
        "POST",
        f"/api/runs/{WAITING}/cancel",
        '{"reason": 1}',
        400,
        "invalid_body",
    ),
    Row("cancel a finished run", "POST", f"/api/runs/{DONE}/cancel", None, 409, "run_finished"),
    Row("no such route", "GET", "/api/nothing/here", None, 404, "not_found"),
    Row("path with %0A", "GET", "/api/runs%0A/x", None, 404, "not_found"),
    Row("method not allowed", "DELETE", "/api/health", None, 405, "method_not_allowed"),
    Row(
        "foreign Host header",
        "GET",
        "/api/health",
        None,
        400,
        "host_not_allowed",
        {"Host": "attacker.example:7071"},
    ),
    Row(
        "POST from a foreign Origin",
        "POST",
        "/api/graphs/counter/runs",
        "{}",
        403,
        "origin_not_allowed",
        {"Origin": "http://attacker.example"},
    ),
    Row(
        "POST from Origin null",
        "POST",
        "/api/graphs/counter/runs",
        "{}",
        403,
        "origin_not_allowed",
        {"Origin": "null"},
    ),
    Row(
        "POST marked cross-site, no Origin",
        "POST",
        "/api/graphs/counter/runs",
        "{}",
        403,
        "origin_not_allowed",
        {"Sec-Fetch-Site": "cross-site"},
    ),
    Row(
        "CORS preflight from another site",
        "OPTIONS",
        "/api/graphs/counter/runs",
        None,
        403,
        "origin_not_allowed",
        {"Origin": "http://attacker.example", "Access-Control-Request-Method": "POST"},
    ),
    Row(
        "management: start input nests 100 deep",
        "POST",
        f"{MANAGEMENT}/orchestrators/x",
        DEEP,
        400,
        "bad_request",
    ),
    Row(
        "management: event payload is NaN",
        "POST",
        f"{MANAGEMENT}/instances/{WAITING}/raiseEvent/approval",
        "NaN",
        400,
        "bad_request",
    ),
    Row("management: no such endpoint", "GET", f"{MANAGEMENT}/nothing", None, 404, "not_found"),
    Row(
        "management: method not allowed",
        "PUT",
        f"{MANAGEMENT}/instances",
        None,
        405,
        "method_not_allowed",
    ),
]


def markdown_table() -> str:
    """The table as docs/reliability.md shows it."""
    lines = ["| Case | Request | Status | Error code |", "| --- | --- | --- | --- |"]
    return "\n".join([*lines, *(row.markdown() for row in ROWS)])


ROWS += [
    Row(
        "graph name of 5,000 characters",
        "POST",
        f"/api/graphs/{'g' * 5000}/runs",
        "{}",
        404,
        "graph_not_found",
    ),
    Row(
        "run id of 5,000 characters",
        "GET",
        f"/api/runs/{'r' * 5000}",
        None,
        404,
        "instance_not_found",
    ),
    Row(
        "event name of 5,000 characters",
        "POST",
        f"/api/runs/{WAITING}/events/{'e' * 5000}",
        "{}",
        400,
        "unknown_event",
    ),
    Row(
        "management: status of a 5,000-character id",
        "GET",
        f"{MANAGEMENT}/instances/{'i' * 5000}",
        None,
        404,
        "not_found",
    ),
]

ROWS += [
    Row(
        "resume body is not JSON", "POST", f"/api/runs/{WAITING}/resume", "{x", 400, "invalid_json"
    ),
    Row("resume a finished run", "POST", f"/api/runs/{DONE}/resume", "{}", 409, "run_finished"),
]
