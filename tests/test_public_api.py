"""The public surface: frozen `__all__`, and the README/issue snippet running as written."""

from __future__ import annotations

import azure.functions as func

import azure_functions_durable_graph
from azure_functions_durable_graph.testing import LocalHost, VirtualClock

#: The issue's snippet, verbatim.
SNIPPET = """
from pydantic import BaseModel
from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision

class MyState(BaseModel):
    message: str
    processed: bool = False

def process(state: MyState) -> dict:
    return {"processed": True}

def finalize(state: MyState) -> dict:
    return {"message": f"Done: {state.message}"}

builder = ManifestBuilder(graph_name="my_graph", state_model=MyState)
builder.set_entrypoint("process")
builder.add_node("process", process, next_node="finalize")
builder.add_node("finalize", finalize, terminal=True)

runtime = DurableGraphApp()
runtime.register_registration(builder.build())
app = runtime.function_app
"""


def test_exported_members():
    assert azure_functions_durable_graph.__all__ == [
        "END",
        "Command",
        "DurableGraphApp",
        "DurableGraphError",
        "GraphError",
        "GraphManifest",
        "GraphNotFound",
        "GraphRegistration",
        "GraphRunFailed",
        "GraphVersionNotRegistered",
        "ManifestBuilder",
        "ManifestError",
        "NodeDefinition",
        "NodeErrorInfo",
        "NodeExecutionError",
        "NodeTimeout",
        "NodeTimeoutError",
        "RetryPolicy",
        "RouteDecision",
        "RouteError",
        "Send",
        "StateMergeError",
        "StepLimitExceeded",
        "__version__",
        "interrupt",
        "node_error",
        "to_mermaid",
    ]
    for name in azure_functions_durable_graph.__all__:
        member = getattr(azure_functions_durable_graph, name)
        if name not in ("__version__", "END"):  # constants have no module; functions do
            assert member.__module__.startswith("azure_functions_durable_graph."), name


def test_version():
    assert azure_functions_durable_graph.__version__ == "0.1.0"


def test_errors_share_one_root():
    from azure_functions_durable_graph import DurableGraphError

    errors = [
        getattr(azure_functions_durable_graph, n)
        for n in azure_functions_durable_graph.__all__
        if n.endswith(("Error", "Exceeded", "NotFound", "NotRegistered", "Failed"))
    ]
    assert len(errors) == 11  # NodeTimeout (the old name of NodeTimeoutError) is checked below
    assert issubclass(azure_functions_durable_graph.NodeTimeout, DurableGraphError)
    assert all(issubclass(e, DurableGraphError) for e in errors)


def test_issue_snippet_runs_as_written_and_completes(tmp_path):
    namespace: dict = {"__name__": "issue_snippet"}
    exec(compile(SNIPPET, "issue snippet", "exec", dont_inherit=True), namespace)
    assert isinstance(namespace["app"], func.FunctionRegister)
    graph_hash = namespace["runtime"].registry.latest("my_graph").graph_hash

    # The same code as a function_app.py, served by the local host, completes a run.
    (tmp_path / "function_app.py").write_text(SNIPPET, encoding="utf-8")
    with LocalHost(tmp_path, store=":memory:", clock=VirtualClock()) as host:
        links = host.post("/api/graphs/my_graph/runs", json={"input": {"message": "hi"}}).json()
        host.wait_for_status(links["instance_id"], "Completed")
        run = host.get(links["status_url"]).json()

    assert run["graph_hash"] == graph_hash
    assert run["output"] == {"message": "Done: hi", "processed": True}
    assert run["path"] == ["process", "finalize"]
