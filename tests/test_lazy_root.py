"""The package root is lazy: tools that never run a graph never import the graph runtime.

Each check runs in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import azure_functions_durable_graph

# Modules only a graph app needs: the engine, the HTTP API, the app and Pydantic.
HEAVY = (
    "azure_functions_durable_graph.graph",
    "azure_functions_durable_graph.api",
    "azure_functions_durable_graph.app",
    "pydantic",
)


def modules_after(statement: str) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return list(json.loads(result.stdout))


@pytest.mark.parametrize(
    "statement",
    [
        "import azure_functions_durable_graph",
        "import azure_functions_durable_graph.testing",
        "from azure_functions_durable_graph.testing import LocalHost, VirtualClock",
        "import azure_functions_durable_graph.local.http.server",
        "import azure_functions_durable_graph.cli",
        "from azure_functions_durable_graph import __version__",
    ],
)
def test_tools_do_not_import_the_graph_runtime(statement: str) -> None:
    loaded = modules_after(statement)

    assert [name for name in loaded if name.startswith(HEAVY)] == []


def test_an_exported_name_imports_its_module_on_first_access() -> None:
    loaded = modules_after("from azure_functions_durable_graph import ManifestBuilder")

    assert "azure_functions_durable_graph.graph.builder" in loaded
    assert "azure_functions_durable_graph.app" not in loaded


def test_every_exported_name_resolves_and_unknown_names_fail() -> None:
    package = azure_functions_durable_graph

    # The lazy map and __all__ name the same things (a name added to one only would be
    # either unreachable or missing from `import *`).
    assert set(package._EXPORTS) == set(package.__all__) - {"__version__"}

    for name in package.__all__:
        assert getattr(package, name) is not None, name
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        package.Nope  # noqa: B018
