"""The langgraph extra stays optional: the runtime imports without LangGraph, and the
adapter says which extra to install when LangGraph is missing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Makes `import langgraph...` fail as it does where the extra is not installed.
BLOCK_LANGGRAPH = textwrap.dedent(
    """
    import sys

    class NoLangGraph:
        def find_spec(self, name, path=None, target=None):
            if name == "langgraph" or name.startswith("langgraph."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoLangGraph())
    """
)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_importing_the_runtime_does_not_import_langgraph() -> None:
    result = run_python(
        "import sys, azure_functions_durable_graph\n"
        "heavy = ('langgraph', 'langchain_core')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_runtime_works_without_langgraph_installed() -> None:
    result = run_python(BLOCK_LANGGRAPH + "import azure_functions_durable_graph\nprint('ok')")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_adapter_without_langgraph_names_the_extra() -> None:
    result = run_python(
        BLOCK_LANGGRAPH + "from azure_functions_durable_graph.langgraph import from_langgraph\n"
    )

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "ImportError: azure_functions_durable_graph.langgraph needs LangGraph: "
        "pip install 'azure-functions-durable-graph[langgraph]'"
    )


def test_the_adapters_public_names() -> None:
    import azure_functions_durable_graph.langgraph as adapter

    assert adapter.__all__ == ["LangGraphAdapterError", "UnsupportedFeature", "from_langgraph"]
