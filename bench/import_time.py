"""Import time of a generated function_app.py beyond azure.functions, the Durable SDK and pydantic.

The template is generated with copier (defaults, examples included) into a
temporary folder; each fresh interpreter then times, with perf_counter, first
the three libraries every Durable Python app imports, then `function_app`
(what the runtime and the graphs add). The median over fresh processes is reported.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import azure.functions, azure.durable_functions, pydantic
t1 = time.perf_counter()
import function_app
t2 = time.perf_counter()
print(json.dumps({"base": t1 - t0, "app": t2 - t1}))
"""


@dataclass(frozen=True)
class ImportTime:
    processes: int
    base_seconds: float  # azure.functions + azure.durable_functions + pydantic
    app_seconds: float  # then `import function_app`: the overhead asked about


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
        project = generate(Path(folder))
        samples = []
        for _ in range(processes + 1):  # the first warms the OS file cache and .pyc files
            done = subprocess.run(
                [sys.executable, "-c", _PROBE],
                cwd=project,
                check=True,
                capture_output=True,
                text=True,
            )
            samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        samples = samples[1:]
    return ImportTime(
        processes,
        statistics.median(s["base"] for s in samples),
        statistics.median(s["app"] for s in samples),
    )
