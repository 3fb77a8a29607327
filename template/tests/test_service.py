"""The service as a whole: it starts, lists its graphs and answers errors as JSON."""

from __future__ import annotations

from conftest import GraphService


def test_health_lists_every_registered_graph(service: GraphService) -> None:
    health = service.host.get("/api/health")
    graphs = service.host.get("/api/graphs")

    assert health.status == 200, health.text
    assert graphs.status == 200, graphs.text
    names = {graph["graph_name"] for graph in graphs.json()["graphs"]}
    assert names == {graph["graph_name"] for graph in health.json()["graphs"]}


def test_unknown_graph_is_a_json_404(service: GraphService) -> None:
    response = service.host.post("/api/graphs/no_such_graph/runs", json={"input": {}})

    assert response.status == 404
    assert response.json()["error"]["code"]


def test_openapi_document_is_served(service: GraphService) -> None:
    response = service.host.get("/api/openapi.json")

    assert response.status == 200
    assert response.json()["openapi"].startswith("3.1")
