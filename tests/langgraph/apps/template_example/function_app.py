"""The template's function_app.py, rendered: every module in graphs/ registered."""

from __future__ import annotations

import importlib
import pkgutil

import azure.functions as func
import graphs

from azure_functions_durable_graph import DurableGraphApp

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for info in sorted(pkgutil.iter_modules(graphs.__path__), key=lambda module: module.name):
    if not info.name.startswith("_"):
        module = importlib.import_module(f"graphs.{info.name}")
        runtime.register_registration(module.registration)
app = runtime.function_app
