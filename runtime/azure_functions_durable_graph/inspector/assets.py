"""Files shipped as package data: the page and the Mermaid bundle (gzipped, see MERMAID_VERSION).

Nothing is fetched at run time: the page and `durable-graph draw` work offline.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

MERMAID_GZ = "mermaid.min.js.gz"


def read(name: str) -> bytes:
    """A file of inspector/static/."""
    return resources.files(__package__).joinpath("static").joinpath(name).read_bytes()


@cache
def mermaid_js() -> str:
    """The Mermaid bundle's source (for pages that inline it)."""
    return gzip.decompress(read(MERMAID_GZ)).decode("utf-8")
