"""HTTP streaming ("HTTP v2"): whether the worker turns it on for an app, and what it refuses.

An app turns it on by importing a web extension such as
`azurefunctions.extensions.http.fastapi`: the extension's classes register
with the base package's trackers (`ModuleTrackerMeta`, `RequestTrackerMeta`,
`ResponseTrackerMeta`), and the worker, with `PYTHON_ENABLE_INIT_INDEXING`
on, then serves EVERY HTTP function of the app through the extension. Its
indexing checks each HTTP trigger parameter against the extension's request
type and each return annotation against the response types it lists, so a
function still annotated `func.HttpRequest` or `-> func.HttpResponse` stops
the whole app from loading; without the extension, a FastAPI annotation
fails the same way. This module reads the same trackers and applies the
same checks at indexing, so the local host refuses what Azure refuses with
a message that says why, instead of running the function another way.

Nothing here imports the extension, FastAPI or Starlette: only what the app
itself has imported is looked at.
"""

from __future__ import annotations

import inspect
import os
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import azure.functions as func

from ..errors import LocalHostError

EXTENSION_BASE = "azurefunctions.extensions.base"
INIT_INDEXING = "PYTHON_ENABLE_INIT_INDEXING"
# The worker's is_true_like / is_false_like.
_TRUE = frozenset({"1", "true", "t", "yes", "y"})
_FALSE = frozenset({"0", "false", "f", "no", "n"})
_STARLETTE_REQUEST = ("starlette.requests", "Request")
_STARLETTE_RESPONSE = ("starlette.responses", "Response")


class HttpStreamingError(LocalHostError, TypeError):
    """The app's HTTP functions and its HTTP streaming setting do not fit, as on Azure."""


@dataclass(frozen=True)
class WebExtension:
    """The web extension an app imported: the request type its functions get and the
    synchronizer that copies the route values into that request."""

    module: str
    request_type: Callable[..., Any]
    synchronizer: Any
    accepts_request: Callable[[Any], bool]
    accepts_response: Callable[[Any], bool]


def forget_web_extension() -> None:
    """Let the next app import the web extension afresh, as a new worker process would.

    The base package remembers the first web extension imported in the process. A
    process that loads several apps one after another (a test session, `serve
    --reload`) would otherwise carry one app's HTTP streaming over to the next.
    Classes the apps hold stay valid: the extension's request and response types are
    FastAPI's own, which stay imported.
    """
    base = sys.modules.get(EXTENSION_BASE)
    if base is None:
        return
    tracker = base.ModuleTrackerMeta
    module = tracker.get_module()
    if module is None:
        return
    package = module.rpartition(".")[0] or module
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    tracker._module = None


def detect(environ: Mapping[str, str] | None = None) -> WebExtension | None:
    """The web extension that turns HTTP streaming on for the app just imported, or None.

    The worker's rule: on when a web extension is imported and PYTHON_ENABLE_INIT_INDEXING
    is not false. It also needs the setting TRUE to start the extension's web server; left
    unset, an HTTP function on Azure waits for a request that never comes, so here it is an
    error at start.
    """
    env = os.environ if environ is None else environ
    base = sys.modules.get(EXTENSION_BASE)
    if base is None or not base.HttpV2FeatureChecker.http_v2_enabled():
        return None
    module = str(base.ModuleTrackerMeta.get_module())
    setting = env.get(INIT_INDEXING)
    if setting is not None and setting.strip().lower() in _FALSE:
        return None
    if setting is None or setting.strip().lower() not in _TRUE:
        raise HttpStreamingError(
            f"the app imports the HTTP streaming extension ({module}), which needs "
            f'"{INIT_INDEXING}": "1" in local.settings.json Values (an app setting on Azure); '
            f"found {setting!r}. Without it Azure never hands the request to the function. "
            f'Set it to "1", or to "0" to keep HTTP streaming off'
        )
    return WebExtension(
        module=module,
        request_type=base.RequestTrackerMeta.get_request_type(),
        synchronizer=base.RequestTrackerMeta.get_synchronizer(),
        accepts_request=base.RequestTrackerMeta.check_type,
        accepts_response=base.ResponseTrackerMeta.check_type,
    )


def _type_name(annotation: object) -> str:
    return getattr(annotation, "__name__", None) or repr(annotation)


def _loaded_class(where: tuple[str, str]) -> type | None:
    """A class of a module the app already imported (never imports it)."""
    module = sys.modules.get(where[0])
    found = getattr(module, where[1], None)
    return found if isinstance(found, type) else None


def _is_subclass(annotation: object, base: type | None) -> bool:
    return base is not None and inspect.isclass(annotation) and issubclass(annotation, base)


def _hints(function: func.Function, name: str) -> dict[str, Any]:
    user = function.get_user_function()
    try:
        return typing.get_type_hints(user)
    except Exception as exc:  # the worker calls get_type_hints too, and fails the same way
        raise HttpStreamingError(
            f"cannot load the {name} function: its annotations cannot be resolved "
            f"({type(exc).__name__}: {exc})"
        ) from exc


def check_function(
    function: func.Function, name: str, trigger_name: str, web: WebExtension | None
) -> list[str]:
    """What the worker's indexing would refuse in one HTTP function (empty: nothing)."""
    hints = _hints(function, name)
    problems: list[str] = []
    request = hints.get(trigger_name)
    returned = hints.get("return", inspect.Parameter.empty)
    if web is not None:
        if request is not None and not web.accepts_request(request):
            problems.append(
                f"{name}: parameter {trigger_name!r} is annotated {_type_name(request)}; with "
                f"HTTP streaming on ({web.module}) Azure accepts only the extension's Request "
                "(from azurefunctions.extensions.http.fastapi import Request)"
            )
        if returned is not inspect.Parameter.empty and not (
            inspect.isclass(returned) and web.accepts_response(returned)
        ):
            problems.append(
                f"{name}: return annotation {_type_name(returned)} is not a response type of "
                f"the extension ({web.module}: a FastAPI Response such as StreamingResponse or "
                "JSONResponse, or str, dict, list, int, float, bool, a pydantic model)"
            )
        return problems
    if _is_subclass(request, _loaded_class(_STARLETTE_REQUEST)):
        problems.append(
            f"{name}: parameter {trigger_name!r} is annotated {_type_name(request)}, a FastAPI "
            "request, but HTTP streaming is off; Azure passes func.HttpRequest unless the app "
            f"imports azurefunctions.extensions.http.fastapi with {INIT_INDEXING}=1"
        )
    if _is_subclass(returned, _loaded_class(_STARLETTE_RESPONSE)):
        problems.append(
            f"{name}: return annotation {_type_name(returned)} is a FastAPI response, but HTTP "
            "streaming is off; Azure takes func.HttpResponse or str unless the app imports "
            f"azurefunctions.extensions.http.fastapi with {INIT_INDEXING}=1"
        )
    return problems


def refuse(problems: list[str]) -> None:
    """Raise one error naming every function Azure's indexing would stop at."""
    if problems:
        listed = "\n  ".join(problems)
        raise HttpStreamingError(
            "the app's HTTP functions do not match its HTTP streaming setting; Azure's worker "
            f"refuses to index it:\n  {listed}"
        )
