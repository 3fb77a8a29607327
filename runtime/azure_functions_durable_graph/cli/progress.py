"""How `run` shows a run moving: a rich live view on a terminal, plain lines when piped.

Progress goes to stderr so that stdout carries only the final state (`run ... | jq`).
"""

from __future__ import annotations

import sys
from typing import Any, Protocol, TextIO


class ProgressDisplay(Protocol):
    """What `run` shows on stderr while a run moves (not the engine's `Progress` record)."""

    def started(self, run_id: str, graph: str) -> None: ...
    def node(self, step: int | None, node: str) -> None: ...
    def note(self, text: str) -> None: ...
    def ask(self, question: str) -> str: ...
    def finished(self, run: dict[str, Any], seconds: float) -> None: ...
    def close(self) -> None: ...


def make_progress(err: TextIO, *, live: bool) -> ProgressDisplay:
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
        self._rows: list[tuple[int, str, str, str]] = []
        self._group = Group
        self._table = Table(box=None)
        self._spinner = Spinner("dots", text="starting")
        self._live_class = Live
        self._live = self._new_live()

    def _new_live(self) -> Any:
        """A fresh live view (transient: a question asked mid-run stays on screen above it;
        the table is printed for good once the run ends). A new one per resume, so it
        starts below the answered question instead of drawing over it."""
        live = self._live_class(
            self._group(self._table, self._spinner),
            console=self._console,
            refresh_per_second=12,
            transient=True,
        )
        live.start()
        return live

    def started(self, run_id: str, graph: str) -> None:
        self._spinner.update(text=f"[bold]{graph}[/] run [dim]{run_id}[/] running")

    def node(self, step: int | None, node: str) -> None:
        label = "?" if step is None else str(step)
        self._rows.append((step if step is not None else -1, label, node, ""))
        self._render()

    def note(self, text: str) -> None:
        last = self._rows[-1][0] if self._rows else -1
        self._rows.append((last, "", "", text))
        self._render()

    def _render(self) -> None:
        """Rows in step order: a step seen late (it ran between two polls) goes in its place."""
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("step", justify="right", style="cyan")
        table.add_column("node", style="bold")
        table.add_column("", style="dim")
        for _, step, node, text in sorted(self._rows, key=lambda row: row[0]):
            table.add_row(step, node, text)
        self._table = table
        self._live.update(self._group(table, self._spinner))

    def ask(self, question: str) -> str:
        self._live.stop()
        try:
            return self._console.input(f"[bold yellow]?[/] {question}").strip()
        finally:
            self._live = self._new_live()

    def finished(self, run: dict[str, Any], seconds: float) -> None:
        self._live.stop()
        self._console.print(self._table)
        style = "green" if run.get("status") == "Completed" else "red"
        self._console.print(f"[{style}]{_summary(run, seconds)}[/]", highlight=False)

    def close(self) -> None:
        self._live.stop()
