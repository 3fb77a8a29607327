"""A deployed app imports what its functions run when they first run, not at every cold start.

The Functions host imports function_app.py to index its functions; what those
functions run (the engines, the HTTP handlers, the Agent Server, the entities'
bodies) and the manifest models' validators load with the first run or request
(deferred.py). Checked in fresh interpreters (this test process has imported
everything), on the app the template generates; bench/import_time.py measures
what it saves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.import_time import generate
from tests.test_lazy_root import modules_after

PACKAGE = "azure_functions_durable_graph"
ENGINES = (
    f"{PACKAGE}.durable.orchestrator",
    f"{PACKAGE}.durable.superstep",
    f"{PACKAGE}.durable.activities",
    f"{PACKAGE}.compat.engine_v1",
)
#: Loaded by the first run or request, never by registering the functions.
LAZY = (
    *ENGINES,
    f"{PACKAGE}.durable.protocol",
    f"{PACKAGE}.durable.steplog",
    f"{PACKAGE}.api.handlers",
    f"{PACKAGE}.api.steps",
    f"{PACKAGE}.api.status",
    f"{PACKAGE}.api.runs_list",
    f"{PACKAGE}.api.durable_calls",
    f"{PACKAGE}.api.openapi",
    f"{PACKAGE}.agent_server.server",
    f"{PACKAGE}.agent_server.routes",
    f"{PACKAGE}.agent_server.thread_entity",
    f"{PACKAGE}.agent_server.threads",
    f"{PACKAGE}.agent_server.runs",
    f"{PACKAGE}.agent_server.run_start",
    f"{PACKAGE}.agent_server.assistants",
    f"{PACKAGE}.agent_server.openapi",
    f"{PACKAGE}.graph.run_context",
    f"{PACKAGE}.local",
    f"{PACKAGE}.langgraph",
    "langgraph",
)

#: Some of the functions the host must find (one of each kind).
REGISTERED = (
    "durable_graph_orchestrator",
    "durable_graph_step",
    "durable_graph_steps",
    "durable_graph_thread",
    "durable_graph_http_start_run",
    "durable_graph_http_langgraph",
    "durable_graph_http_langgraph_store_items",
)

_PROBE = """
import json, sys
import function_app
from azure_functions_durable_graph.graph.manifest import GraphManifest, NodeDefinition
print(json.dumps({
    "modules": sorted(sys.modules),
    "functions": [f.get_function_name() for f in function_app.app.get_functions()],
    "built": [m.__name__ for m in (GraphManifest, NodeDefinition) if m.__pydantic_complete__],
}))
"""


@pytest.fixture(scope="module")
def generated_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project `copier copy --defaults` generates (the one the bench times)."""
    return generate(tmp_path_factory.mktemp("lazy-app"))


def import_app(project: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_the_generated_app_registers_functions_and_loads_none_of_their_bodies(
    generated_app: Path,
) -> None:
    imported = import_app(generated_app)
    modules = imported["modules"]
    assert isinstance(modules, list)

    assert f"{PACKAGE}.app" in modules and "graphs.expense_approval" in modules
    functions = imported["functions"]
    assert isinstance(functions, list)
    assert set(REGISTERED) <= set(functions)
    assert [name for name in modules if name.startswith(LAZY)] == []
    # The manifests are built (the graphs are checked) without the models' validators.
    assert imported["built"] == []


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
    assert [name for name in loaded if name.startswith(LAZY)] == []
