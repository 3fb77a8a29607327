"""The public surface: frozen `__all__`, and the README/issue snippet running as written."""

from __future__ import annotations

import azure.functions as func

import azure_functions_durable_graph
from tests.graph.history import Replay, functions_by_name, run_until_blocked


def test_exported_members():
    assert azure_functions_durable_graph.__all__ == [
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
        if name != "__version__":  # to_mermaid is a function: its module is checked too
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
    assert len(errors) == 10  # NodeTimeout is a GraphError too, checked below
    assert issubclass(azure_functions_durable_graph.NodeTimeout, DurableGraphError)
    assert all(issubclass(e, DurableGraphError) for e in errors)


def test_issue_snippet_runs_as_written_and_completes():
    from pydantic import BaseModel  # noqa: I001 - the issue snippet, verbatim
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

    assert isinstance(app, func.FunctionRegister)
    assert RouteDecision.complete().kind == "complete"
    functions = functions_by_name(app)
    graph_hash = runtime.registry.latest("my_graph").graph_hash
    run_input = {"graph_name": "my_graph", "graph_hash": graph_hash, "state": {"message": "hi"}}
    replay = Replay(
        functions["durable_graph_orchestrator"], "durable_graph_orchestrator", run_input
    )
    final = run_until_blocked(replay, functions)
    assert final.output["state"] == {"message": "Done: hi", "processed": True}
