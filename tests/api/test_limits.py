"""The request limits of the graph routes: body size per app, JSON depth, finite numbers."""

from __future__ import annotations

import json

import pytest

from azure_functions_durable_graph import DurableGraphApp
from azure_functions_durable_graph.api.inputs import (
    DEFAULT_MAX_REQUEST_BYTES,
    MAX_JSON_DEPTH,
    json_depth,
)
from tests.api.fakes import FakeDurableClient, user_functions
from tests.api.test_http import Ticket, assert_error, build_runtime, start


def nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def test_the_default_limit_is_one_mib() -> None:
    assert DEFAULT_MAX_REQUEST_BYTES == 1024 * 1024


def test_an_app_sets_its_own_limit_and_bodies_up_to_it_pass() -> None:
    runtime = build_runtime_with_limit(200)
    fns = user_functions(runtime)
    body = {"input": {"title": "x"}}
    raw = json.dumps(body)
    padded = raw[:-1] + " " * (200 - len(raw)) + "}"
    assert len(padded) == 200
    status, _, _ = start(fns, FakeDurableClient(), padded)
    assert status == 202
    err = assert_error(start(fns, FakeDurableClient(), padded + " "), 413, "request_too_large")
    assert err == {
        "code": "request_too_large",
        "message": "request body is 201 bytes; this API accepts at most 200",
        "details": {"max_bytes": 200},
    }


def build_runtime_with_limit(limit: int) -> DurableGraphApp:
    from azure_functions_durable_graph import ManifestBuilder

    b = ManifestBuilder(graph_name="tickets", state_model=Ticket, version="3")
    b.set_entrypoint("triage")
    b.add_node("triage", lambda s: None, terminal=True)
    runtime = DurableGraphApp(max_request_bytes=limit)
    runtime.register_registration(b.build())
    return runtime


def test_a_limit_below_one_byte_is_refused() -> None:
    with pytest.raises(ValueError, match="max_request_bytes must be at least 1, got 0"):
        DurableGraphApp(max_request_bytes=0)


@pytest.fixture(scope="module")
def fns():
    return user_functions(build_runtime())


def test_json_nested_to_the_limit_passes_and_one_deeper_is_a_400(fns) -> None:
    # The body and its input are two levels; the state model ignores the extra key.
    at_limit = {"input": {"title": "x", "extra": nested(MAX_JSON_DEPTH - 2)}}
    assert json_depth(at_limit) == MAX_JSON_DEPTH
    status, body, _ = start(fns, FakeDurableClient(), at_limit)
    assert status == 202, body
    too_deep = {"input": {"title": "x", "extra": nested(MAX_JSON_DEPTH - 1)}}
    err = assert_error(start(fns, FakeDurableClient(), too_deep), 400, "invalid_json")
    assert err["message"] == f"request body nests deeper than {MAX_JSON_DEPTH} levels"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_a_400(fns, constant: str) -> None:
    raw = f'{{"input": {{"title": "x", "priority": {constant}}}}}'
    err = assert_error(start(fns, FakeDurableClient(), raw), 400, "invalid_json")
    assert err["message"] == (
        f"request body is not valid JSON: {constant} is not valid JSON (numbers must be finite)"
    )
