"""The HTTP API of a converted graph: start input validated against the graph's input
schema (422), and the graph described by GET /api/graphs/{name}."""

from __future__ import annotations

import openapi_spec_validator
import pydantic
import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.langgraph.apps.langgraph_app import lg_features


def test_an_input_langgraph_would_reject_is_a_422_naming_the_field(host: LocalHost) -> None:
    bad = {"name": "Ada", "address": {"city": "London", "zip_code": "N1"}}
    with pytest.raises(pydantic.ValidationError, match="zip_code"):
        lg_features.pydantic_builder().compile().invoke(bad)

    response = host.post("/api/graphs/lg_pydantic/runs", json={"input": bad})

    assert response.status == 422, response.text
    error = response.json()["error"]
    assert [d["loc"] for d in error["details"]] == [["address", "zip_code"]]


def test_a_typed_dict_key_of_the_wrong_type_is_a_422(host: LocalHost) -> None:
    response = host.post("/api/graphs/lg_sequence/runs", json={"input": {"value_2": "ten"}})

    assert response.status == 422, response.text
    assert [d["loc"] for d in response.json()["error"]["details"]] == [["value_2"]]


def test_typed_dict_keys_may_be_left_out_as_with_invoke(host: LocalHost) -> None:
    response = host.post("/api/graphs/lg_map_reduce/runs", json={"input": {"topic": "cats"}})

    assert response.status == 202, response.text


def test_the_graph_description_shows_the_input_schema_and_the_edges(host: LocalHost) -> None:
    response = host.get("/api/graphs/lg_typed_dict")

    assert response.status == 200, response.text
    graph = response.json()
    assert graph["state_model_name"] == "QAState"
    assert list(graph["state_schema"]["properties"]) == ["question"]
    assert graph["nodes"]["research"]["next_node"] == "answer"
    assert graph["metadata"] == {"source": "langgraph"}


def test_the_openapi_document_describes_each_graphs_input_and_is_valid(host: LocalHost) -> None:
    document = host.get("/api/openapi.json").json()

    openapi_spec_validator.validate(document)
    schemas = document["components"]["schemas"]
    start_request = schemas["lg_typed_dict.StartRequest"]["oneOf"][0]
    assert start_request["properties"]["input"]["$ref"] == (
        "#/components/schemas/lg_typed_dict.QAState"
    )
    assert list(schemas["lg_typed_dict.QAState"]["properties"]) == ["question"]
    assert "lg_messages.HumanMessage" in schemas


def test_the_described_input_requires_what_validation_requires(host: LocalHost) -> None:
    schemas = host.get("/api/openapi.json").json()["components"]["schemas"]

    assert "required" not in schemas["lg_map_reduce.OverallState"]  # TypedDict: as invoke
    assert schemas["lg_pydantic.PydanticState"]["required"] == ["name", "address"]
