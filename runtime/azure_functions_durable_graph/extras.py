"""What to install for an optional feature, said the way that works where this package is.

Installed from an index, the package's extras name it
(``pip install 'azure-functions-durable-graph[cli]'``). Vendored into a service (the
template's default: a copy beside the service's function_app.py) there is no such
distribution to take an extra of, so the hint names the requirements themselves and the
service file that should list them.
"""

from __future__ import annotations

from pathlib import Path

DISTRIBUTION = "azure-functions-durable-graph"
#: The optional dependencies of each extra, as pyproject.toml declares them (a test keeps
#: the two equal): what a vendored service installs instead of the extra.
EXTRAS: dict[str, tuple[str, ...]] = {
    "cli": ("rich>=13", "watchfiles>=0.21"),
    "inspector": ("playwright>=1.40",),
    "langgraph": ("langgraph>=1.0,<2",),
}


def vendored(package_dir: Path | None = None) -> bool:
    """Whether this package is a copy inside a Functions app (function_app.py beside it)."""
    package = package_dir or Path(__file__).resolve().parent
    return (package.parent / "function_app.py").is_file()


def install_hint(extra: str, *, deployed: bool = False, package_dir: Path | None = None) -> str:
    """The command that installs `extra` here; `deployed`: the app imports it on Azure too."""
    if not vendored(package_dir):
        return f"pip install '{DISTRIBUTION}[{extra}]'"
    requirements = EXTRAS[extra]
    listed = "requirements.txt" if deployed else "requirements-dev.txt"
    return (
        "pip install " + " ".join(f"'{r}'" for r in requirements) + f" (this service vendors "
        f"azure_functions_durable_graph, so there is no '{DISTRIBUTION}[{extra}]' to install; "
        f"add {', '.join(requirements)} to {listed} to keep it)"
    )
