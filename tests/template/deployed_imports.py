"""Run from a deployed app's folder: import function_app as the Functions worker does and
report every module it loaded that Azure's remote build would not provide.

Azure installs requirements.txt (and what those packages require) and uploads the folder;
the Python standard library is there too. Anything else function_app.py imports would be
a ModuleNotFoundError on the first cold start; optional imports of packages requirements.txt
does not bring in fail here as they would there (RemoteBuildOnly). Prints JSON:
{"missing": {module: file}, "runtime": file of azure_functions_durable_graph,
"functions": names the worker indexes, "loaded": the runtime's modules}.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.metadata as metadata
import json
import re
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

APP = Path.cwd().resolve()
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirement_names(lines: list[str]) -> list[str]:
    names = []
    for line in lines:
        text = line.split("#", 1)[0].strip()
        marker = text.partition(";")[2]
        match = NAME.match(text)
        if match and "extra" not in marker:
            names.append(match.group(1))
    return names


def installed_by_remote_build(requirements: Path) -> set[metadata.Distribution]:
    """The distributions of requirements.txt and, transitively, their requirements."""
    found: dict[str, metadata.Distribution] = {}
    queue = requirement_names(requirements.read_text().splitlines())
    while queue:
        name = re.sub(r"[-_.]+", "-", queue.pop()).lower()
        if name in found:
            continue
        try:
            found[name] = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python: not imported here
        queue.extend(requirement_names(found[name].requires or []))
    return set(found.values())


def provided_files(distributions: set[metadata.Distribution]) -> tuple[set[Path], list[Path]]:
    """Files of the distributions, and the folders of editable installs (no file list)."""
    files: set[Path] = set()
    roots: list[Path] = []
    for dist in distributions:
        files.update(Path(str(dist.locate_file(file))).resolve() for file in dist.files or [])
        direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
        if direct_url.get("dir_info", {}).get("editable"):
            roots.append(Path(unquote(urlparse(direct_url["url"]).path)).resolve())
    return files, roots


class RemoteBuildOnly(importlib.abc.MetaPathFinder):
    """Hide top-level site-packages modules the remote build would not install.

    Optional imports (`try: import orjson except ImportError`, as azure-functions does)
    then take the path they take on Azure instead of loading what this machine has.
    """

    def __init__(self, provided: Callable[[Path], bool]) -> None:
        self.provided = provided

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if "." in name:
            return None  # submodules come with their package
        spec = importlib.machinery.PathFinder.find_spec(name)
        origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
        if origin is None or "site-packages" not in origin.parts or self.provided(origin):
            return None
        raise ModuleNotFoundError(f"No module named {name!r} (not in requirements.txt)", name=name)


def main() -> None:
    stdlib = [Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "platstdlib")]
    files, roots = provided_files(installed_by_remote_build(APP / "requirements.txt"))
    sys.meta_path.insert(
        0, RemoteBuildOnly(lambda p: p in files or any(map(p.is_relative_to, roots)))
    )
    sys.path.insert(0, str(APP))  # the worker puts the app folder first, as here
    before = set(sys.modules)
    import function_app  # type: ignore[import-not-found]  # (the worker's import)

    missing = {}
    for name in sorted(set(sys.modules) - before):
        if sys.modules[name] is sys.modules["__main__"]:
            continue  # this script, aliased as __mp_main__ when multiprocessing is imported
        file = getattr(sys.modules[name], "__file__", None)
        if not file:
            continue  # built-in or namespace package
        path = Path(file).resolve()
        in_stdlib = "site-packages" not in path.parts and any(map(path.is_relative_to, stdlib))
        if in_stdlib or path in files or any(map(path.is_relative_to, [APP, *roots])):
            continue
        missing[name] = str(path)
    runtime = sys.modules["azure_functions_durable_graph"].__file__
    # The worker indexes a v2 app by asking its FunctionApp for its functions.
    functions = [function.get_function_name() for function in function_app.app.get_functions()]
    loaded = sorted(
        name for name in sys.modules if name.startswith("azure_functions_durable_graph")
    )
    print(
        json.dumps(
            {"missing": missing, "runtime": runtime, "functions": functions, "loaded": loaded}
        )
    )


if __name__ == "__main__":
    main()
