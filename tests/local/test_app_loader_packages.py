"""A package the tests imported before the app (a runtime vendored in the app folder)
stays whole when the app is unloaded, even if the app imported more of its submodules."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from azure_functions_durable_graph.local.app_loader import load_app, unload_app
from tests.local.test_app_loader import write_app

APP = """
    import azure.functions as func
    import vendored_pkg.extra

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="hello")
    def hello(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(vendored_pkg.extra.NAME)
"""


def test_submodules_of_a_package_imported_before_the_app_are_kept(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        APP,
        **{
            "vendored_pkg.__init__.py": "",
            "vendored_pkg.core.py": "class Registration:\n    pass\n",
            "vendored_pkg.extra.py": "from .core import Registration\nNAME = 'extra'\n",
        },
    )
    sys.path.insert(0, str(tmp_path))
    try:
        core = importlib.import_module("vendored_pkg.core")  # as a test's conftest would
        for _ in range(2):
            loaded = load_app(tmp_path)
            extra = sys.modules["vendored_pkg.extra"]
            unload_app(loaded)
            # One class for both: a re-import would make `extra` see another Registration.
            assert extra.Registration is core.Registration
        assert sys.modules["vendored_pkg.extra"] is extra
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == "vendored_pkg"]:
            del sys.modules[name]
