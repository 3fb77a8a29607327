"""How `run` shows a run moving: a rich live view on a terminal, plain lines when piped.

Progress goes to stderr so that stdout carries only the final state (`run ... | jq`).
"""

from __future__ import annotations

import sys
from typing import Any, Protocol, TextIO


class Progress(Protocol):
    def started(self, run_id: str, graph: str) -> None: ...
    def node(self, step: int | None, node: str) -> None: ...
    def note(self, text: str) -> None: ...
    def ask(self, question: str) -> str: ...
    def finished(self, run: dict[str, Any], seconds: float) -> None: ...
    def close(self) -> None: ...


def make_progress(err: TextIO, *, live: bool) -> Progress:
    """Rich's live view when `live` (a terminal) and rich is installed, else plain lines."""
    if live:
        try:
            return RichProgress(err)
        except ImportError:
            pass  # rich is in the `cli` extra; without it a terminal gets the plain lines
    return PlainProgress(err)


def _summary(run: dict[str, Any], seconds: float) -> str:
    path = " -> ".join(run.get("path") or [])
    text = f"{run.get('status')} in {seconds:.1f}s"
    if path:
        text += f": {path}"
    if run.get("error"):
        text += f"\nerror: {run['error']}"
    return text


class PlainProgress:
    """One line per thing that happens."""

    def __init__(self, err: TextIO) -> None:
        self._err = err

    def _line(self, text: str) -> None:
        print(text, file=self._err, flush=True)

    def started(self, run_id: str, graph: str) -> None:
        self._line(f"run {run_id} of {graph} started")

    def node(self, step: int | None, node: str) -> None:
        self._line(f"step {step if step is not None else '?'}  {node}")

    def note(self, text: str) -> None:
        self._line(text)

    def ask(self, question: str) -> str:
        self._err.write(question)
        self._err.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.strip()

    def finished(self, run: dict[str, Any], seconds: float) -> None:
        self._line(_summary(run, seconds))

    def close(self) -> None:
        pass


class RichProgress:
    """A live table of steps under a status line; paused while a question is asked."""

    def __init__(self, err: TextIO) -> None:
        from rich.console import Console, Group
        from rich.live import Live
        from rich.spinner import Spinner
        from rich.table import Table

        self._console = Console(file=err, highlight=False)
        self._table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        self._table.add_column("step", justify="right", style="cyan")
        self._table.add_column("node", style="bold")
        self._table.add_column("", style="dim")
        self._spinner = Spinner("dots", text="starting")
        self._live = Live(
            Group(self._table, self._spinner), console=self._console, refresh_per_second=12
        )
        self._live.start()

    def started(self, run_id: str, graph: str) -> None:
        self._spinner.update(text=f"[bold]{graph}[/] run [dim]{run_id}[/] running")

    def node(self, step: int | None, node: str) -> None:
        self._table.add_row(str(step if step is not None else "?"), node, "")

    def note(self, text: str) -> None:
        self._table.add_row("", "", text)

    def ask(self, question: str) -> str:
        self._live.stop()
        try:
            return self._console.input(f"[bold yellow]?[/] {question}").strip()
        finally:
            self._live.start()

    def finished(self, run: dict[str, Any], seconds: float) -> None:
        self._live.update(self._table)
        self._live.stop()
        style = "green" if run.get("status") == "Completed" else "red"
        self._console.print(f"[{style}]{_summary(run, seconds)}[/]", highlight=False)

    def close(self) -> None:
        self._live.stop()
