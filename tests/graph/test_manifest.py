"""A node's part of the graph hash is its JSON form, without building the model's serializer."""

from __future__ import annotations

from azure_functions_durable_graph.graph.manifest import NodeDefinition


def test_hash_content_is_the_nodes_json_without_unused_optional_fields() -> None:
    node = NodeDefinition(
        name="a",
        next_node=("b", "c"),
        timeout_seconds=2.5,
        retry={"max_attempts": 3, "backoff": (1, 2.0), "cap": float("inf")},
        subgraph={"graph_name": "child", "shared": ("x",)},
        send_reads_state=True,
    )

    content = node.hash_content()
    expected = node.model_dump(mode="json")  # what the hash was computed from before
    del expected["send_reads_state"]
    for key in ("route_targets", "defer", "on_error", "input_model", "answer_model"):
        del expected[key]

    assert content == expected
    assert content["retry"]["cap"] is None and content["next_node"] == ["b", "c"]
