"""Bad requests to the store routes get the status and body LangGraph's server gives.

Each expected answer was read from `langgraph dev` (langgraph-api 0.16.7) for the
same request; a schema error's `detail` is the first line of LangGraph's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.store_hosts import APP, BACKENDS, app_settings, store_host

ITEMS = "/api/langgraph/store/items"
SEARCH = "/api/langgraph/store/items/search"
NAMESPACES = "/api/langgraph/store/namespaces"


def label_error(label: str) -> str:
    return f"Namespace label {label!r} must be a non-empty string without periods"


# (method, path, JSON body or raw bytes, status, JSON body or plain text LangGraph answers)
CASES: list[tuple[str, str, Any, int, Any]] = [
    ("GET", f"{ITEMS}?namespace=a.b", None, 400, {"error": "Key is required"}),
    ("GET", f"{ITEMS}?key=k1", None, 422, label_error("")),
    ("GET", f"{ITEMS}?namespace=a..b&key=k1", None, 422, label_error("")),
    (
        "PUT",
        ITEMS,
        {"namespace": ["a"], "key": "k"},
        422,
        {"detail": '"value" is a required property'},
    ),
    ("PUT", ITEMS, {"namespace": ["a.b"], "key": "k", "value": {}}, 422, label_error("a.b")),
    ("PUT", ITEMS, {"namespace": [""], "key": "k", "value": {}}, 422, label_error("")),
    (
        "PUT",
        ITEMS,
        {"namespace": [], "key": "k", "value": {}},
        400,
        {"detail": "Namespace cannot be empty."},
    ),
    (
        "PUT",
        ITEMS,
        {"namespace": ["langgraph"], "key": "k", "value": {}},
        400,
        {"detail": "Root label for namespace cannot be \"langgraph\". Got: ('langgraph',)"},
    ),
    (
        "PUT",
        ITEMS,
        {"namespace": ["a"], "key": "k", "value": [1]},
        422,
        {"detail": '[1] is not of type "object"'},
    ),
    (
        "PUT",
        ITEMS,
        {"namespace": ["a"], "key": "k", "value": {}, "ttl": "x"},
        422,
        {"detail": '"x" is not of types "null", "number"'},
    ),
    (
        "PUT",
        ITEMS,
        {"namespace": [1], "key": "k", "value": {}},
        422,
        {"detail": '1 is not of type "string"'},
    ),
    ("PUT", ITEMS, b"{not json", 422, {"detail": "Invalid JSON in request body"}),
    ("DELETE", ITEMS, {"namespace": ["a", "b"]}, 422, {"detail": '"key" is a required property'}),
    ("DELETE", ITEMS, None, 422, {"detail": "Invalid JSON in request body"}),
    (
        "POST",
        SEARCH,
        {"namespace_prefix": "a"},
        422,
        {"detail": '"a" is not of types "array", "null"'},
    ),
    (
        "POST",
        SEARCH,
        {"namespace_prefix": ["a"], "filter": {"n": {"$bogus": 2}}},
        400,
        {"detail": "Unsupported operator: $bogus"},
    ),
    ("POST", NAMESPACES, {"prefix": ["a.b"]}, 422, label_error("a.b")),
]

# Requests LangGraph's server accepts although they look odd: accepted here too.
ACCEPTED: list[tuple[str, str, Any, int]] = [
    ("PUT", ITEMS, {"namespace": ["a"], "key": "", "value": {}}, 204),
    ("PUT", ITEMS, {"namespace": ["a"], "key": "k", "value": {}, "extra": 1}, 204),
    ("PUT", ITEMS, {"namespace": ["a"], "key": "k", "value": {}, "index": ["n"]}, 204),
    ("DELETE", ITEMS, {"key": "x"}, 204),
    ("POST", SEARCH, {"namespace_prefix": ["a"], "limit": 0}, 200),
    ("POST", NAMESPACES, {"prefix": ["*"]}, 200),
]


@pytest.fixture(scope="module", params=BACKENDS)
def host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalHost]:
    folder: Path = tmp_path_factory.mktemp(request.param)
    with store_host(request.param, folder) as local_host:
        yield local_host


def send(host: LocalHost, method: str, path: str, body: Any) -> Any:
    if isinstance(body, bytes):
        return host.request(method, path, data=body, headers={"Content-Type": "application/json"})
    return host.request(method, path, json=body)


@pytest.mark.parametrize(("method", "path", "body", "status", "answer"), CASES)
def test_a_bad_request_gets_langgraphs_status_and_body(
    host: LocalHost, method: str, path: str, body: Any, status: int, answer: Any
) -> None:
    response = send(host, method, path, body)

    assert response.status == status, response.text
    if isinstance(answer, str):
        assert response.text == answer
    else:
        assert response.headers["Content-Type"].startswith("application/json")
        assert json.loads(response.text) == answer


@pytest.mark.parametrize(("method", "path", "body", "status"), ACCEPTED)
def test_a_request_langgraph_accepts_is_accepted(
    host: LocalHost, method: str, path: str, body: Any, status: int
) -> None:
    assert send(host, method, path, body).status == status


def test_a_search_without_a_prefix_reads_the_whole_store(host: LocalHost) -> None:
    """LangGraph's server fails this with a 500; its schema allows the prefix to be absent."""
    host.request("PUT", ITEMS, json={"namespace": ["whole"], "key": "k", "value": {"v": 1}})

    response = send(host, "POST", SEARCH, {"limit": 100})

    assert response.status == 200
    assert ["whole"] in [item["namespace"] for item in response.json()["items"]]


def test_a_body_over_the_limit_is_a_413(host: LocalHost) -> None:
    huge = {"namespace": ["a"], "key": "k", "value": {"text": "x" * (1024 * 1024)}}

    response = send(host, "PUT", ITEMS, huge)

    assert response.status == 413
    assert response.json()["detail"].startswith("Request body too large")


def test_a_store_that_cannot_be_opened_is_a_503_naming_the_setting(tmp_path: Path) -> None:
    settings = {"DURABLE_GRAPH_STORE": "azure-tables", "DURABLE_GRAPH_STORE_CONNECTION": "Nowhere"}
    with app_settings(settings), LocalHost(APP, store=tmp_path / "hub.sqlite3") as host:
        response = send(host, "PUT", ITEMS, {"namespace": ["a"], "key": "k", "value": {}})

    assert response.status == 503
    assert "Nowhere" in response.json()["detail"]
