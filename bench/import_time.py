"""Import time of a generated function_app.py beyond azure.functions, the Durable SDK and pydantic.

The template is generated with copier (defaults, examples included) into a
temporary folder; each fresh interpreter then times, with perf_counter, first
the three libraries every Durable Python app imports, then `function_app`
(what the runtime and the graphs add). The median over fresh processes is reported.

Each round runs three fresh processes, interleaved so that a noisy machine weighs
on all three alike:

- `function_app` with its bytecode cached (`__pycache__` written by a warm-up run,
  whatever PYTHONDONTWRITEBYTECODE says): the figure issue 18's target is about;
- the same from source, in a second copy that never gets `__pycache__` (what a
  deployment whose package holds no bytecode and cannot write any compiles at
  every cold start; the vendored runtime is uploaded without `__pycache__`);
- one pydantic model declared after the base: what any app with a model pays on
  its first one (pydantic builds its schema machinery then), the generated
  graph's models included.

The time the garbage collector ran inside `import function_app` is reported too:
a collection runs when the allocations since the last one cross a threshold, so
whether the process's first full collection (over every object the libraries
made, ~10 ms) falls inside this import or after it is a matter of allocation
counts, not of what the import does.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import gc, json, sys, time
t0 = time.perf_counter()
import azure.functions, azure.durable_functions, pydantic
collecting = []
def timed(phase, info):  # the garbage collections that fall inside the timed import
    collecting.append(time.perf_counter() * (1 if phase == "stop" else -1))
gc.callbacks.append(timed)
t1 = time.perf_counter()
if sys.argv[1] == "app":
    import function_app
else:
    class FirstModel(pydantic.BaseModel):
        name: str = ""
t2 = time.perf_counter()
print(json.dumps({"base": t1 - t0, "then": t2 - t1, "gc": sum(collecting)}))
"""


@dataclass(frozen=True)
class ImportTime:
    processes: int
    base_seconds: float  # azure.functions + azure.durable_functions + pydantic
    app_seconds: float  # then `import function_app`: the overhead asked about
    app_from_source_seconds: float  # the same without bytecode (compiled at import)
    first_model_seconds: float  # then one pydantic model instead: any model's first cost
    app_gc_seconds: float  # garbage collection inside `import function_app` (cached)


def generate(dest: Path) -> Path:
    """A project generated from the working tree's template (copier defaults).

    Stages what copier reads, as tests/template/support.py does: copier.yml,
    runtime/ (the template's root, beside the runtime package) and migrations/.
    """
    staged = dest / "template-src"
    staged.mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", staged / "copier.yml")
    skip = shutil.ignore_patterns("__pycache__", "*.py[co]", "*.egg-info")
    shutil.copytree(ROOT / "runtime", staged / "runtime", ignore=skip)
    shutil.copytree(ROOT / "migrations", staged / "migrations", ignore=skip)
    project = dest / "project"
    command = [sys.executable, "-m", "copier", "copy", "--defaults", "--quiet",
               "--data=project_name=Bench App", str(staged), str(project)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, text=True, cwd=dest)
    return project


def measure(processes: int = 7) -> ImportTime:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        cached = generate(Path(folder))
        source = Path(folder) / "from-source"
        shutil.copytree(cached, source)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        runs = {
            "cached": (cached, "app", env),
            "source": (source, "app", {**env, "PYTHONDONTWRITEBYTECODE": "1"}),
            "model": (cached, "model", env),
        }
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
        for round_ in range(processes + 1):  # the first warms the OS file cache and .pyc files
            for name, (project, what, run_env) in runs.items():
                done = subprocess.run(
                    [sys.executable, "-c", _PROBE, what],
                    cwd=project,
                    env=run_env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                if round_:
                    samples[name].append(json.loads(done.stdout.strip().splitlines()[-1]))

    def median(name: str, key: str) -> float:
        return statistics.median(sample[key] for sample in samples[name])

    return ImportTime(
        processes,
        median("cached", "base"),
        median("cached", "then"),
        median("source", "then"),
        median("model", "then"),
        median("cached", "gc"),
    )
