"""What every command shares: exit codes, the one error type, JSON arguments, an API client.

Exit codes (also in docs/cli.md and `durable-graph --help`):

    0   success
    1   the run failed or was cancelled, or the server refused the request (4xx/5xx)
    2   usage error: bad arguments, bad JSON, unknown graph, no app in APP_DIR
    3   the server at --url cannot be reached
    130 interrupted (Ctrl+C)
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = """exit codes:
  0    success
  1    the run failed or was cancelled, or the server refused the request
  2    usage error (bad arguments or JSON, unknown graph, no function_app.py)
  3    the server at --url cannot be reached
  130  interrupted (Ctrl+C)"""

DEFAULT_URL = "http://127.0.0.1:7071"
URL_ENV = "DURABLE_GRAPH_URL"


class CliError(Exception):
    """A failure the user can act on: printed as one line, exits with `code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class HttpError(CliError):
    """The server answered with an error status (kept in `status`)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message, EXIT_FAILED)
        self.status = status


def parse_json(text: str, what: str) -> Any:
    """JSON from the command line: inline text, or `@path` to read a file."""
    source = what
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read {what} from {path}: {exc.strerror or exc}") from None
        source = f"{what} in {path}"
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{source} is not valid JSON: {exc}") from None


def check_app_dir(app_dir: str) -> Path:
    folder = Path(app_dir)
    if not folder.is_dir():
        raise CliError(f"app folder {folder} does not exist")
    if not (folder / "function_app.py").is_file():
        raise CliError(
            f"{folder.resolve()} has no function_app.py: expected a Python v2 Functions app "
            "(run in the app folder or pass APP_DIR)"
        )
    return folder


class ApiClient:
    """The graph HTTP API of a running app (a `serve`, or the in-process host of `run`)."""

    def __init__(self, base_url: str, route_prefix: str = "api", timeout: float = 30.0) -> None:
        prefix = route_prefix.strip("/")
        self.origin = base_url.rstrip("/")
        self.api = f"{self.origin}/{prefix}" if prefix else self.origin
        self.timeout = timeout

    def get(self, path: str, **query: str) -> Any:
        suffix = f"?{urlencode(query)}" if query else ""
        return self._call("GET", f"{path}{suffix}", None)

    def post(self, path: str, body: Any = None) -> Any:
        return self._call("POST", path, body)

    def _call(self, method: str, path: str, body: Any) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.api}/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _decode(response.read())
        except urllib.error.HTTPError as exc:
            detail = _decode(exc.read())
            error = detail.get("error") if isinstance(detail, dict) else None
            message = str(error.get("message") if isinstance(error, dict) else detail)
            if isinstance(error, dict) and isinstance(error.get("details"), list):
                message += "".join(
                    f"\n  {'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}"
                    for d in error["details"]
                    if isinstance(d, dict) and "msg" in d
                )
            raise HttpError(
                f"{method} {request.full_url}: {exc.code} {message}", exc.code
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CliError(
                f"cannot reach {self.origin} ({reason}); is `durable-graph serve` running there? "
                f"(--url or ${URL_ENV})",
                EXIT_UNREACHABLE,
            ) from None


def quoted(segment: str) -> str:
    return quote(segment, safe="")


def default_url() -> str:
    return os.environ.get(URL_ENV) or DEFAULT_URL


def _decode(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
