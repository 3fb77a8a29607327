"""What the handlers accept: request bodies (size, JSON, depth) and instance ids.

Rules live here, apart from the handlers, because the OpenAPI document and
the docs' bad-input table describe the same limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import azure.functions as func
from pydantic import ValidationError

from .errors import ApiError, shown

#: Default request body limit. The state travels through every step's
#: history, so a large start body multiplies in the store.
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
#: Objects and arrays may nest this deep in a body; deeper is refused before it
#: can exhaust recursion anywhere downstream (validation, history, status).
MAX_JSON_DEPTH = 64
MAX_INSTANCE_ID_LENGTH = 100
#: Letters, digits and - _ . ~ : @ : characters that mean the same in a URL path
#: segment whether or not a client percent-encodes them, so the id a run gets is
#: the id every URL reaches; '.' and '..' would be read as path steps. The same
#: pattern (ECMA-262 too) is in the OpenAPI document.
#: Ids ending like a subgraph child's (``<parent>:<node>:<n>.<n>.<n>.<n>``, see
#: durable/superstep.py) are the orchestrator's: a client run taking one would fail
#: the parent, or replace its finished child.
INSTANCE_ID_PATTERN = (
    r"^(?!\.\.?$)(?!.*:[^:]*:[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$)[A-Za-z0-9_.~:@-]{1,100}$"
)
_INSTANCE_ID = re.compile(INSTANCE_ID_PATTERN)
INSTANCE_ID_RULE = (
    f"1-{MAX_INSTANCE_ID_LENGTH} characters from A-Z a-z 0-9 - _ . ~ : @, not '.' or '..', "
    "not ending like a subgraph child's id (':<node>:<n>.<n>.<n>.<n>')"
)
#: The ids reads accept: every client id, and the (longer) ids of subgraph children,
#: which add ':<node>:<n>.<n>.<n>.<n>' to their parent's id at each level.
MAX_RUN_ID_LENGTH = 2000
RUN_ID_PATTERN = r"^(?!\.\.?$)[A-Za-z0-9_.~:@-]{1," + str(MAX_RUN_ID_LENGTH) + "}$"
_RUN_ID = re.compile(RUN_ID_PATTERN)
RUN_ID_RULE = (
    f"1-{MAX_RUN_ID_LENGTH} characters from A-Z a-z 0-9 - _ . ~ : @ (a run's id, "
    "or a subgraph child's)"
)


def check_max_request_bytes(limit: int) -> int:
    """A body limit an app or API can be built with (at least one byte)."""
    if limit < 1:
        raise ValueError(f"max_request_bytes must be at least 1, got {limit}")
    return limit


def valid_instance_id(value: object) -> bool:
    """An id a client may give a new run."""
    return isinstance(value, str) and _INSTANCE_ID.fullmatch(value) is not None


def valid_run_id(value: object) -> bool:
    """An id a run may have: a client's, or a subgraph child's."""
    return isinstance(value, str) and _RUN_ID.fullmatch(value) is not None


def check_instance_id(value: object) -> str:
    if not valid_instance_id(value):
        raise ApiError(
            400,
            "invalid_instance_id",
            f"instance_id must be {INSTANCE_ID_RULE}; got {shown(value)}",
            {"pattern": INSTANCE_ID_PATTERN},
        )
    assert isinstance(value, str)
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (numbers must be finite)")


def json_depth(value: Any) -> int:
    """How deeply objects and arrays nest in `value` (iterative: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth) for child in item)
    return deepest


def parse_json(raw: bytes | str, what: str = "request body") -> Any:
    """JSON text to a value; NaN, Infinity and nesting past MAX_JSON_DEPTH are a 400."""
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(
            400,
            "invalid_json",
            f"{what} nests deeper than {MAX_JSON_DEPTH} levels",
            {"max_depth": MAX_JSON_DEPTH},
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"{what} is not valid JSON: {exc}") from exc
    if json_depth(value) > MAX_JSON_DEPTH:
        raise ApiError(
            400,
            "invalid_json",
            f"{what} nests deeper than {MAX_JSON_DEPTH} levels",
            {"max_depth": MAX_JSON_DEPTH},
        )
    return value


def json_body(req: func.HttpRequest, *, allow_empty: bool, max_bytes: int) -> Any:
    """The request's JSON body, checked for size first."""
    raw = req.get_body()
    if len(raw) > max_bytes:
        raise ApiError(
            413,
            "request_too_large",
            f"request body is {len(raw)} bytes; this API accepts at most {max_bytes}",
            {"max_bytes": max_bytes},
        )
    if not raw.strip():
        if allow_empty:
            return None
        raise ApiError(400, "invalid_json", "request body is empty; expected a JSON object")
    return parse_json(raw)


#: LangGraph config keys a run may be started with (``POST .../runs`` ``"config"``).
RUN_CONFIG_KEYS = ("recursion_limit", "configurable", "tags", "metadata", "run_name")


def run_options(body: Mapping[str, Any], codec: Any, graph_name: str) -> tuple[Any, Any]:
    """The start body's ``config`` and ``context`` (LangGraph's run inputs), checked.

    Returns (config, context) to pin in the run's input. A graph whose codec takes run
    options (`validate_context`: a LangGraph graph) always gets a config (``{}`` when the
    body gives none: its steps count LangGraph's default recursion limit); another graph
    gets (None, None) when the body gives neither, and refuses a context. `context` is
    validated by the codec (a LangGraph graph's `context_schema`), a 422 when it does not
    fit.
    """
    validate = getattr(codec, "validate_context", None)
    if "config" not in body and "context" not in body and validate is None:
        return None, None
    config = body.get("config")
    config = {} if config is None else config
    if not isinstance(config, dict):
        raise ApiError(
            400, "invalid_body", f"'config' must be a JSON object; got {type(config).__name__}"
        )
    unknown = sorted(set(config) - set(RUN_CONFIG_KEYS))
    if unknown:
        raise ApiError(
            400,
            "invalid_config",
            f"unknown keys {shown(unknown)} in config; allowed keys: {list(RUN_CONFIG_KEYS)}",
            {"allowed": list(RUN_CONFIG_KEYS)},
        )
    limit = config.get("recursion_limit")
    if isinstance(limit, float) and limit.is_integer():  # JSON Schema's integer: 25.0 is 25
        config = {**config, "recursion_limit": int(limit)}
        limit = config["recursion_limit"]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ApiError(
            400,
            "invalid_config",
            f"config.recursion_limit must be a positive integer; got {shown(limit)}",
        )
    for key, kind in (("configurable", dict), ("metadata", dict), ("tags", list)):
        if key in config and not isinstance(config[key], kind):
            raise ApiError(
                400,
                "invalid_config",
                f"config.{key} must be a JSON {'object' if kind is dict else 'array'}; "
                f"got {type(config[key]).__name__}",
            )
    if not all(isinstance(tag, str) for tag in config.get("tags") or []):
        raise ApiError(400, "invalid_config", "config.tags must be an array of strings")
    if "run_name" in config and not isinstance(config["run_name"], str):
        raise ApiError(400, "invalid_config", "config.run_name must be a string")
    context = body.get("context")
    if context is not None and validate is None:
        raise ApiError(
            400,
            "invalid_body",
            f"graph {graph_name!r} takes no run context; leave 'context' out",
        )
    if validate is not None:
        try:
            validate(context)
        except ValidationError as exc:
            raise ApiError(
                422,
                "validation_error",
                f"context is not valid for graph {graph_name!r}",
                json.loads(exc.json(include_url=False)),
            ) from exc
    return config, context


#: LangGraph's breakpoints a run may be started with (``POST .../runs``; durable/breakpoints.py).
BREAKPOINT_KEYS = ("interrupt_before", "interrupt_after")


def run_breakpoints(body: Mapping[str, Any], nodes: Sequence[str]) -> dict[str, Any]:
    """The start body's ``interrupt_before``/``interrupt_after``: ``"*"`` or node names of
    the graph (400 otherwise); null or [] leaves the graph's own."""
    chosen: dict[str, Any] = {}
    for key in BREAKPOINT_KEYS:
        value = body.get(key)
        if value is None or value == "*":
            chosen[key] = value
            continue
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            raise ApiError(400, "invalid_body", f"'{key}' must be \"*\" or an array of node names")
        unknown = [n for n in value if n not in nodes]
        if unknown:
            raise ApiError(
                400,
                "unknown_node",
                f"'{key}' names {shown(unknown)}, not nodes of this graph; nodes: {list(nodes)}",
            )
        chosen[key] = value or None
    return chosen
