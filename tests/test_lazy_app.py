"""A deployed app imports the engines when a run first needs them, not at every cold start.

Checked in a fresh interpreter (this test process has imported everything);
bench/import_time.py measures what it saves.
"""

from __future__ import annotations

from tests.test_lazy_root import modules_after

ENGINES = (
    "azure_functions_durable_graph.durable.orchestrator",
    "azure_functions_durable_graph.durable.superstep",
    "azure_functions_durable_graph.durable.activities",
    "azure_functions_durable_graph.compat.engine_v1",
)


def test_building_an_app_with_a_graph_imports_no_engine() -> None:
    loaded = modules_after(
        "from pydantic import BaseModel\n"
        "from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder\n"
        "class State(BaseModel):\n"
        "    n: int = 0\n"
        "runtime = DurableGraphApp()\n"
        "graph = ManifestBuilder('g', State)\n"
        "graph.set_entrypoint('a')\n"
        "graph.add_node('a', lambda s: None, terminal=True)\n"
        "runtime.register(graph.build())"
    )

    assert "azure_functions_durable_graph.app" in loaded
    assert [name for name in loaded if name.startswith(ENGINES)] == []
