"""GET /api/openapi.json: a valid OpenAPI 3.1 document typed by each graph's state model."""

from __future__ import annotations

import json

import jsonschema
import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder
from azure_functions_durable_graph.api.runs_list import RUN_STATUSES
from tests.api.fakes import BASE, request, user_functions


class Address(BaseModel):
    city: str


class Order(BaseModel):
    sku: str
    quantity: int = 1
    ship_to: Address | None = None


class Tree(BaseModel):
    """Self-referencing: pydantic puts the model itself under $defs."""

    label: str
    children: list[Tree] = []


class Point(BaseModel):
    """A second graph whose nested model shares a name with nothing above."""

    x: int


def build() -> DurableGraphApp:
    runtime = DurableGraphApp()
    for name, model in (("orders", Order), ("trees", Tree), ("points", Point)):
        b = ManifestBuilder(graph_name=name, state_model=model)
        b.set_entrypoint("only").add_node("only", lambda s: None, terminal=True)
        runtime.register_registration(b.build())
    return runtime


@pytest.fixture(scope="module")
def document() -> dict:
    fns = user_functions(build())
    resp = fns["durable_graph_http_openapi"](request("GET", "openapi.json"))
    assert resp.status_code == 200
    return json.loads(resp.get_body())


def test_document_is_openapi_3_1_with_every_route(document):
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": BASE.rstrip("/")}]
    assert {p for p in document["paths"] if not p.startswith("/langgraph/")} == {
        "/health",
        "/graphs",
        "/graphs/{graph_name}",
        "/graphs/orders/runs",
        "/graphs/trees/runs",
        "/graphs/points/runs",
        "/runs",
        "/runs/{instance_id}",
        "/runs/{instance_id}/events/{event_name}",
        "/runs/{instance_id}/cancel",
        "/runs/{instance_id}/resume",
        "/runs/{instance_id}/steps",
        "/openapi.json",
    }
    operation_ids = [
        op["operationId"] for path in document["paths"].values() for op in path.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))


def test_document_passes_the_openapi_3_1_schema(document):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)


def test_every_component_is_a_valid_json_schema_and_every_ref_resolves(document):
    schemas = document["components"]["schemas"]
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    refs = set()

    def collect(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    prefix = "#/components/schemas/"
    assert refs, "the document should use component references"
    for ref in refs:
        assert ref.startswith(prefix), ref
        assert ref.removeprefix(prefix) in schemas, ref


def start_body_validator(document: dict, graph: str) -> jsonschema.Draft202012Validator:
    body = document["paths"][f"/graphs/{graph}/runs"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    # Resolve "#/components/..." against the document itself, as OpenAPI tools do.
    return jsonschema.Draft202012Validator({**schema, "components": document["components"]})


def test_start_request_is_typed_by_the_state_model(document):
    orders = start_body_validator(document, "orders")
    assert orders.is_valid({"input": {"sku": "A1", "ship_to": {"city": "Oslo"}}})
    assert orders.is_valid({"input": {"sku": "A1"}, "instance_id": "o-1"})
    assert not orders.is_valid({"input": {"quantity": 2}})  # sku is required
    assert not orders.is_valid({"input": {"sku": "A1", "ship_to": {"town": "Oslo"}}})
    assert not orders.is_valid({"input": {"sku": "A1"}, "extra": True})

    trees = start_body_validator(document, "trees")
    assert trees.is_valid({"input": {"label": "root", "children": [{"label": "leaf"}]}})
    assert not trees.is_valid({"input": {"label": "root", "children": [{"name": "leaf"}]}})

    points = start_body_validator(document, "points")
    assert points.is_valid({"input": {"x": 1}})
    assert not points.is_valid({"input": {"x": "one"}})


def test_nested_models_are_namespaced_by_graph(document):
    schemas = document["components"]["schemas"]
    assert {"orders.Order", "orders.Address", "orders.StartRequest"} <= set(schemas)
    assert {"trees.Tree", "points.Point"} <= set(schemas)


def test_error_responses_use_the_error_schema(document):
    start = document["paths"]["/graphs/orders/runs"]["post"]["responses"]
    assert set(start) == {"202", "400", "403", "404", "409", "413", "422", "500"}
    error_ref = {"$ref": "#/components/schemas/Error"}
    for code in ("400", "404", "409", "422", "500"):
        assert start[code]["content"]["application/json"]["schema"] == error_ref


def test_start_request_states_the_id_rules_and_when_input_is_required(document):
    orders = start_body_validator(document, "orders")
    assert not orders.is_valid({"input": {"sku": "A1"}, "instance_id": None})
    for bad_id in ("a%2Fb", ".", "..", "a/b", "x" * 101, "", "run-1:research:1.2.0.1"):
        assert not orders.is_valid({"input": {"sku": "A1"}, "instance_id": bad_id}), bad_id
    for good_id in ("a:b@c~d", "...", "run-1_2.3"):
        assert orders.is_valid({"input": {"sku": "A1"}, "instance_id": good_id}), good_id
    assert not orders.is_valid({})  # sku is required, so the input is too


def test_instance_id_path_parameters_carry_the_run_id_pattern(document):
    """Paths reach every run, subgraph children (longer ids) included."""
    from azure_functions_durable_graph.api.inputs import RUN_ID_PATTERN

    for path, operations in document["paths"].items():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param["name"] == "instance_id":
                    assert param["schema"]["pattern"] == RUN_ID_PATTERN, path


def test_every_post_documents_403_and_413(document):
    for path, operations in document["paths"].items():
        if "post" in operations:
            assert {"400", "403", "413"} <= set(operations["post"]["responses"]), path


def test_fixed_sets_are_enums_so_the_schema_refuses_what_the_server_refuses(document):
    (status,) = [
        p for p in document["paths"]["/runs"]["get"]["parameters"] if p["name"] == "status"
    ]
    assert status["schema"]["items"]["enum"] == list(RUN_STATUSES)
    assert (status["style"], status["explode"]) == ("form", False)
    event = document["paths"]["/runs/{instance_id}/events/{event_name}"]["post"]["parameters"][1]
    assert event["schema"] == {"type": "string", "not": {}}  # no graph here takes events


def test_event_names_are_the_registered_handlers():
    runtime = build()
    b = ManifestBuilder(graph_name="waits", state_model=Point)
    b.set_entrypoint("only").add_node("only", lambda s: None, terminal=True)
    b.add_event_handler("go", lambda s, p: None).add_event_handler("stop", lambda s, p: None)
    runtime.register_registration(b.build())
    resp = user_functions(runtime)["durable_graph_http_openapi"](request("GET", "openapi.json"))
    path = json.loads(resp.get_body())["paths"]["/runs/{instance_id}/events/{event_name}"]
    assert path["post"]["parameters"][1]["schema"] == {"type": "string", "enum": ["go", "stop"]}
