"""GET /api/runs: graph runs, filtered and paged through the Durable instance query.

The SDK's ``get_status_by`` cannot page (it sends no ``top`` and drops the
continuation header), so this module sends the same instance query the SDK
would, to the client binding's ``rpcBaseUrl``, adding what the extension's HTTP
API documents for paging: ``top`` and the ``x-ms-continuation-token`` header,
both ways. The local host's management API answers the same query.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

import aiohttp
import azure.functions as func

from ..durable.protocol import ORCHESTRATOR_NAME
from ..graph.registry import GraphRegistry
from .errors import ApiError, error_response, json_response
from .status import describe_run

logger = logging.getLogger("azure_functions_durable_graph")

CONTINUATION_HEADER = "x-ms-continuation-token"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
#: Instance-query pages read at most per request when a graph filter drops runs.
MAX_QUERIES = 10
RUN_STATUSES = ("Pending", "Running", "Suspended", "Completed", "Failed", "Terminated")
_PARAMS = frozenset(
    {"graph", "status", "created_from", "created_to", "page_size", "continuation_token"}
)


class RunQuery:
    """The validated query string of GET /api/runs."""

    def __init__(self, params: dict[str, str]) -> None:
        unknown = sorted(set(params) - _PARAMS)
        if unknown:
            raise ApiError(
                400,
                "invalid_query",
                f"unknown query parameters {unknown}; allowed: {sorted(_PARAMS)}",
            )
        empty = sorted(name for name, value in params.items() if not value)
        if empty:
            raise ApiError(
                400,
                "invalid_query",
                f"query parameters {empty} are empty; leave a parameter out to not filter by it",
            )
        self.graph = params.get("graph") or None
        self.statuses = _statuses(params.get("status"))
        self.created_from = _time(params, "created_from")
        self.created_to = _time(params, "created_to")
        self.page_size = _page_size(params.get("page_size"))
        self.token = params.get("continuation_token") or None
        if self.token is not None and not (self.token.isprintable() and self.token.isascii()):
            # It travels back as an HTTP header: control characters could never be ours.
            raise ApiError(
                400,
                "invalid_query",
                "continuation_token must be the printable token a previous page returned",
            )

    def url(self, rpc_base_url: str, top: int) -> str:
        query: dict[str, str] = {"showInput": "true", "top": str(top)}
        if self.created_from is not None:
            query["createdTimeFrom"] = _wire_time(self.created_from)
        if self.created_to is not None:
            query["createdTimeTo"] = _wire_time(self.created_to)
        if self.statuses:
            query["runtimeStatus"] = ",".join(self.statuses)
        return f"{rpc_base_url}instances/?{urlencode(query)}"


async def list_runs(
    req: func.HttpRequest, client: Any, registry: GraphRegistry
) -> func.HttpResponse:
    """The handler: 200 with ``{"runs": [...], "continuation_token": str | None}``."""
    try:
        query = RunQuery(dict(req.params))
        rpc_base_url = _rpc_base_url(client)
        runs: list[dict[str, Any]] = []
        token = query.token
        async with aiohttp.ClientSession() as session:
            for _ in range(MAX_QUERIES):
                statuses, token = await _query_page(
                    session, query.url(rpc_base_url, query.page_size - len(runs)), token
                )
                runs.extend(_graph_runs(statuses, query.graph, registry))
                if token is None or len(runs) >= query.page_size:
                    break
    except ApiError as exc:
        return error_response(exc)
    except aiohttp.ClientError as exc:
        return error_response(
            ApiError(502, "durable_query_failed", f"the Durable instance query failed: {exc}")
        )
    except Exception:
        logger.exception("unhandled error in GET /api/runs")
        return error_response(
            ApiError(500, "internal_error", "internal server error; the details are in the logs")
        )
    runs.sort(key=lambda run: str(run.get("created_at") or ""), reverse=True)
    return json_response({"runs": runs, "continuation_token": token})


def _graph_runs(
    statuses: list[dict[str, Any]], graph: str | None, registry: GraphRegistry
) -> list[dict[str, Any]]:
    """The graph runs among the instances (other orchestrators are skipped), as list rows."""
    rows = []
    for raw in statuses:
        if raw.get("name") != ORCHESTRATOR_NAME:
            continue
        run = describe_run(_Status(raw), str(raw.get("instanceId")), registry)
        if graph is not None and run["graph_name"] != graph:
            continue
        run.pop("output", None)  # the state can be large: GET /api/runs/{id} has it
        rows.append(run)
    return rows


class _Status:
    """The fields of an instance-query row that `describe_run` reads (like the SDK's status)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.runtime_status = raw.get("runtimeStatus")
        self.custom_status = raw.get("customStatus")
        self.input_ = raw.get("input")
        self.output = raw.get("output")
        self.created_time = _parsed_time(raw.get("createdTime"))
        self.last_updated_time = _parsed_time(raw.get("lastUpdatedTime"))


def _parsed_time(value: Any) -> Any:
    """A datetime like the SDK's status has, so both run resources print times alike."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value


async def _query_page(
    session: aiohttp.ClientSession, url: str, token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    headers = {CONTINUATION_HEADER: token} if token else {}
    async with session.get(url, headers=headers) as response:
        if response.status == 400 and token:
            # A well-formed token no query issued (stale, foreign, mistyped) names no page:
            # 404, since no schema can tell an issued token from another printable string.
            raise ApiError(
                404,
                "page_not_found",
                "the Durable instance query knows no page for this continuation_token "
                "(stale, foreign or mistyped); list again without it",
                {"durable_status": response.status, "durable_body": await response.text()},
            )
        if response.status != 200:
            raise ApiError(
                502,
                "durable_query_failed",
                f"the Durable instance query answered {response.status}",
                {"durable_body": await response.text()},
            )
        body = await response.json(content_type=None)
        next_token = response.headers.get(CONTINUATION_HEADER) or None
    if not isinstance(body, list):
        raise ApiError(502, "durable_query_failed", "the Durable instance query returned no list")
    return body, next_token


def _rpc_base_url(client: Any) -> str:
    """Where the client sends its queries: the binding's rpcBaseUrl (no key needed there)."""
    bindings = getattr(client, "_orchestration_bindings", None)
    url = getattr(bindings, "rpc_base_url", None)
    if not isinstance(url, str) or not url:
        raise ApiError(
            501,
            "runs_query_unavailable",
            "this Durable client binding has no rpcBaseUrl, so runs cannot be listed",
        )
    return url if url.endswith("/") else url + "/"


def _statuses(raw: str | None) -> list[str]:
    """``Running,Completed``: run statuses exactly as named, comma-separated (the schema's enum)."""
    if not raw:
        return []
    result = []
    for part in raw.split(","):
        if part not in RUN_STATUSES:
            raise ApiError(
                400,
                "invalid_query",
                f"status {part!r} is not a run status; use any of "
                f"{', '.join(RUN_STATUSES)} (comma-separated, no spaces)",
            )
        result.append(part)
    return result


def _time(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    text = raw.strip().replace(" ", "+")  # an unencoded '+' arrives as a space
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(
            400,
            "invalid_query",
            f"{name} must be an ISO 8601 time like 2025-01-31T12:00:00Z; got {raw!r}",
        ) from None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _wire_time(value: datetime) -> str:
    """UTC with a four-digit year (strftime's %Y gives '143' for year 143)."""
    try:
        utc = value.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it: the ends of time
        utc = datetime.min if value.year == 1 else datetime.max
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _page_size(raw: str | None) -> int:
    if not raw:
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ApiError(
            400,
            "invalid_query",
            f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}; got {raw!r}",
        )
    return int(raw)
