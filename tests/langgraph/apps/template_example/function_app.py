"""The template's LangGraph example (runtime/graphs/, generated when
include_langgraph_example is answered yes), registered as the template's function_app.py
registers every module of graphs/: the fast tier runs the very file a service gets."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import azure.functions as func

from azure_functions_durable_graph import DurableGraphApp

TEMPLATE_GRAPHS = Path(__file__).resolve().parents[4] / "runtime" / "graphs"
EXAMPLE = TEMPLATE_GRAPHS / "{% if include_langgraph_example %}essay_review.py{% endif %}"

# The template file's name is a copier condition, not a module name: load it by path.
loader = importlib.machinery.SourceFileLoader("essay_review", str(EXAMPLE))
essay_review = importlib.util.module_from_spec(
    importlib.util.spec_from_loader("essay_review", loader)
)
sys.modules["essay_review"] = essay_review  # LangGraph resolves its annotations there
loader.exec_module(essay_review)

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
runtime.register_registration(essay_review.registration)
app = runtime.function_app
