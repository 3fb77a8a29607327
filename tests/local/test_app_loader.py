"""Importing an unmodified function_app.py from a folder, and forgetting it again."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from azure_functions_durable_graph.local.app_loader import AppLoadError, load_app, unload_app


def write_app(folder: Path, source: str, **extra: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "function_app.py").write_text(textwrap.dedent(source), encoding="utf-8")
    for name, text in extra.items():
        path = folder / name.replace(".", "/", name.count(".") - 1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


APP = """
    import azure.functions as func
    from helpers import greeting

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="hello")
    def hello(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(greeting())
"""


def test_loads_the_app_with_its_folder_on_sys_path(tmp_path: Path) -> None:
    write_app(tmp_path, APP, **{"helpers.py": "def greeting():\n    return 'hi'\n"})

    loaded = load_app(tmp_path)
    try:
        assert [f.get_function_name() for f in loaded.functions] == ["hello"]
        assert sys.modules["helpers"].greeting() == "hi"
    finally:
        unload_app(loaded)

    assert "helpers" not in sys.modules
    assert "function_app" not in sys.modules
    assert str(tmp_path.resolve()) not in sys.path


def test_two_different_apps_load_one_after_the_other(tmp_path: Path) -> None:
    first = write_app(
        tmp_path / "one", APP, **{"helpers.py": "def greeting():\n    return 'one'\n"}
    )
    second = write_app(
        tmp_path / "two", APP, **{"helpers.py": "def greeting():\n    return 'two'\n"}
    )

    for folder, expected in ((first, "one"), (second, "two"), (first, "one")):
        loaded = load_app(folder)
        try:
            assert loaded.module.greeting() == expected
            assert len(loaded.functions) == 1
        finally:
            unload_app(loaded)


def test_dfapp_is_found(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        """
        import azure.durable_functions as df

        my_app = df.DFApp()

        @my_app.activity_trigger(input_name="name")
        def say(name: str) -> str:
            return name
        """,
    )
    loaded = load_app(tmp_path)
    try:
        assert type(loaded.app).__name__ == "DFApp"
    finally:
        unload_app(loaded)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(AppLoadError, match="does not exist"):
        load_app(tmp_path / "nope")


def test_folder_without_function_app(tmp_path: Path) -> None:
    with pytest.raises(AppLoadError) as info:
        load_app(tmp_path)
    assert str(info.value) == (
        f"{tmp_path.resolve()} has no function_app.py: expected a Python v2 Functions app"
    )


def test_no_function_register(tmp_path: Path) -> None:
    write_app(tmp_path, "x = 1\n")
    with pytest.raises(AppLoadError, match=r"defines no function app: .* found none"):
        load_app(tmp_path)
    assert "function_app" not in sys.modules


def test_several_function_registers(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        """
        import azure.functions as func
        app = func.FunctionApp()
        other = func.FunctionApp()
        same_as_app = app
        """,
    )
    with pytest.raises(AppLoadError, match=r"defines 2 function apps \(app, other\)"):
        load_app(tmp_path)


def test_import_error_shows_the_message_and_cleans_up(tmp_path: Path) -> None:
    write_app(tmp_path, "import helpers\nimport does_not_exist_anywhere\n", **{"helpers.py": ""})
    with pytest.raises(AppLoadError) as info:
        load_app(tmp_path)
    assert "ModuleNotFoundError: No module named 'does_not_exist_anywhere'" in str(info.value)
    assert "helpers" not in sys.modules
    assert str(tmp_path.resolve()) not in sys.path


def test_duplicate_function_names_are_an_indexing_error(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        """
        import azure.functions as func
        app = func.FunctionApp()

        @app.function_name("same")
        @app.route(route="a")
        def a(req): ...

        @app.function_name("same")
        @app.route(route="b")
        def b(req): ...
        """,
    )
    with pytest.raises(AppLoadError, match="Function same does not have a unique function name"):
        load_app(tmp_path)


def test_packages_of_the_app_are_unloaded_but_not_a_venv_inside_it(tmp_path: Path) -> None:
    venv_pkg = tmp_path / ".venv" / "lib" / "site-packages"
    venv_pkg.mkdir(parents=True)
    (venv_pkg / "vendored_lib.py").write_text("VALUE = 1\n")
    sys.path.append(str(venv_pkg))
    try:
        write_app(
            tmp_path,
            """
            import azure.functions as func
            import vendored_lib
            from graphs.flows import FLOW

            app = func.FunctionApp()
            """,
            **{"graphs.__init__.py": "", "graphs.flows.py": "FLOW = 'f'\n"},
        )
        unload_app(load_app(tmp_path))
        assert "graphs" not in sys.modules
        assert "graphs.flows" not in sys.modules
        assert "vendored_lib" in sys.modules
    finally:
        sys.path.remove(str(venv_pkg))
        sys.modules.pop("vendored_lib", None)


def test_a_graph_module_that_fails_to_import_is_named_with_its_line(tmp_path: Path) -> None:
    write_app(
        tmp_path,
        "import graphs.orders\n",
        **{"graphs.__init__.py": "", "graphs.orders.py": "x = 1\nraise RuntimeError('no db')\n"},
    )
    with pytest.raises(AppLoadError) as info:
        load_app(tmp_path)
    assert str(info.value) == (
        f"importing {tmp_path.resolve() / 'function_app.py'} failed at graphs/orders.py, "
        "line 2: RuntimeError: no db"
    )


def test_a_syntax_error_in_a_graph_module_is_named_with_its_line(tmp_path: Path) -> None:
    write_app(tmp_path, "import broken\n", **{"broken.py": "x = 1\ndef f(:\n"})
    with pytest.raises(AppLoadError, match=r"failed at broken\.py, line 2: "):
        load_app(tmp_path)
