"""Import an unmodified `function_app.py` the way the Python worker does.

The app folder goes on sys.path (so `from graphs import x` works), the
module is imported as `function_app`, and exactly one
`azure.functions.FunctionRegister` is looked for among its globals.
Unloading removes every module imported from that folder, so one process
(a test session) can load several different apps one after another.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import azure.functions as func

from .errors import LocalHostError
from .http.http_v2 import forget_web_extension

SCRIPT_NAME = "function_app.py"
MODULE_NAME = "function_app"


class AppLoadError(LocalHostError):
    """The app folder cannot be imported or indexed."""


@dataclass
class LoadedApp:
    """An imported app and what is needed to unload it again."""

    app_dir: Path
    module: ModuleType
    app: func.FunctionRegister
    functions: list[func.Function]
    _before: set[str] = field(default_factory=set, repr=False)
    _added_path: bool = field(default=False, repr=False)
    _displaced: ModuleType | None = field(default=None, repr=False)


def _is_inside(module: ModuleType, folder: Path) -> bool:
    """True for a module imported through the app folder's sys.path entry.

    Such a module's top-level package sits directly in the folder, which
    leaves out a venv inside the folder and installed packages under it.
    """
    top = module.__name__.split(".")[0]
    locations: list[str] = []
    file = getattr(module, "__file__", None)
    if isinstance(file, str):
        locations.append(file)
    locations.extend(str(p) for p in getattr(module, "__path__", None) or [])
    for location in locations:
        try:
            relative = Path(location).resolve().relative_to(folder)
        except (ValueError, OSError):
            continue
        first = relative.parts[0] if relative.parts else ""
        if first == top or first.startswith(top + "."):
            return True
    return False


def _modules_from(folder: Path, before: set[str]) -> list[str]:
    # A package imported before the app (the runtime vendored in the app folder, which the
    # tests imported first) stays whole: forgetting the submodules the app added would
    # leave its cached names and its other modules pointing at classes a re-import replaces.
    kept = {name.split(".")[0] for name in before}
    return [
        name
        for name, mod in list(sys.modules.items())
        if name not in before
        and name.split(".")[0] not in kept
        and mod is not None
        and _is_inside(mod, folder)
    ]


def _find_register(module: ModuleType, script: Path) -> func.FunctionRegister:
    found: dict[int, tuple[str, func.FunctionRegister]] = {}
    for name, value in vars(module).items():
        if isinstance(value, func.FunctionRegister) and id(value) not in found:
            found[id(value)] = (name, value)
    if not found:
        raise AppLoadError(
            f"{script} defines no function app: expected one azure.functions.FunctionRegister "
            "(func.FunctionApp or df.DFApp) at module level, found none"
        )
    if len(found) > 1:
        names = ", ".join(sorted(name for name, _ in found.values()))
        raise AppLoadError(
            f"{script} defines {len(found)} function apps ({names}); "
            "expected exactly one FunctionRegister at module level"
        )
    return next(iter(found.values()))[1]


def load_app(app_dir: str | Path) -> LoadedApp:
    """Import `<app_dir>/function_app.py` and index its functions."""
    folder = Path(app_dir).resolve()
    if not folder.is_dir():
        raise AppLoadError(f"app folder {folder} does not exist")
    script = folder / SCRIPT_NAME
    if not script.is_file():
        raise AppLoadError(f"{folder} has no {SCRIPT_NAME}: expected a Python v2 Functions app")

    forget_web_extension()  # HTTP streaming is this app's choice, not an earlier app's
    displaced = sys.modules.pop(MODULE_NAME, None)
    added_path = str(folder) not in sys.path
    if added_path:
        sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    before = set(sys.modules)

    loaded: LoadedApp | None = None
    try:
        module = importlib.import_module(MODULE_NAME)
        if not _is_inside(module, folder):
            raise AppLoadError(
                f"importing {MODULE_NAME} found {getattr(module, '__file__', module)!r}, "
                f"not {script}"
            )
        app = _find_register(module, script)
        # get_functions() records names and rejects them the second time it runs
        # in a process; the worker calls it once, a test session many times.
        app.functions_bindings = None
        functions = app.get_functions()
        loaded = LoadedApp(folder, module, app, functions, before, added_path, displaced)
        return loaded
    except AppLoadError:
        raise
    except (Exception, SystemExit) as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        where = _failing_line(exc, folder)
        at = f" at {where}" if where else ""
        raise AppLoadError(f"importing {script} failed{at}: {detail}") from exc
    finally:
        if loaded is None:
            _forget(folder, before, added_path, displaced)


def _forget(folder: Path, before: set[str], added_path: bool, displaced: ModuleType | None) -> None:
    for name in _modules_from(folder, before - {MODULE_NAME}):
        del sys.modules[name]
    if displaced is not None:
        sys.modules[MODULE_NAME] = displaced
    if added_path:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(folder))
    importlib.invalidate_caches()


def _failing_line(exc: BaseException, folder: Path) -> str | None:
    """'graphs/orders.py, line 12': the app's own frame nearest the error, so a graph
    module that fails to import is named, not just function_app.py."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_relative(exc.filename, folder) or exc.filename}, line {exc.lineno}"
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        relative = _relative(frame.filename, folder)
        if relative is not None:
            found = f"{relative}, line {frame.lineno}"
    return found


def _relative(filename: str, folder: Path) -> str | None:
    try:
        return Path(filename).resolve().relative_to(folder).as_posix()
    except (ValueError, OSError):
        return None


def unload_app(loaded: LoadedApp) -> None:
    """Forget every module imported from the app folder and take it off sys.path."""
    _forget(loaded.app_dir, loaded._before, loaded._added_path, loaded._displaced)
