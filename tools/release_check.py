"""Check that a release tag agrees with the version everything else reads.

`__version__` in the package is the one source (pyproject.toml reads it); copier.yml's
`runtime_release` pins it for pip-mode services, and CHANGELOG.md must have a section
for it. The release workflow runs this before building, so a tag never publishes a
package whose version differs from the tag.

    python tools/release_check.py v0.2.0
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
INIT = ROOT / "runtime" / "azure_functions_durable_graph" / "__init__.py"


def package_version() -> str:
    for node in ast.parse(INIT.read_text()).body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(target, "id", None) for target in node.targets] == ["__version__"]
            and isinstance(node.value, ast.Constant)
        ):
            return str(node.value.value)
    raise SystemExit(f"no literal __version__ in {INIT}")


def problems(tag: str) -> list[str]:
    """What disagrees with `tag`; empty when the release may go ahead."""
    version = package_version()
    found = []
    if tag != f"v{version}":
        found.append(f"tag {tag} does not match __version__ {version} (expected v{version})")
    release = yaml.safe_load((ROOT / "copier.yml").read_text())["runtime_release"]["default"]
    if release != version:
        found.append(f"copier.yml runtime_release is {release}, __version__ is {version}")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    if not re.search(rf"^## \[?{re.escape(version)}\]?( |$)", changelog, re.M):
        found.append(f"CHANGELOG.md has no '## {version}' section")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    found = problems(argv[0])
    for problem in found:
        print(f"release check: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
