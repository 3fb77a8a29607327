"""Mermaid text to SVG or PNG, offline: the packaged Mermaid bundle in a local headless Chromium.

Mermaid lays text out with the browser's font metrics, so a browser is the one faithful
renderer. Playwright drives the Chromium already on the machine (Debian's `chromium`, or
the one $DURABLE_GRAPH_CHROMIUM names); it never downloads a browser.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ._common import CliError

CHROMIUM_ENV = "DURABLE_GRAPH_CHROMIUM"
_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><script src='mermaid.min.js'></script>"
    "</head><body><div id='out'></div></body></html>"
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_path() -> str:
    """The Chromium executable to drive, or a CliError saying how to get one."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        if not os.access(configured, os.X_OK):
            raise CliError(f"${CHROMIUM_ENV} is {configured!r}, which is not an executable")
        return configured
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise CliError(
        "rendering SVG/PNG needs Chromium: install it (Debian/Ubuntu: apt-get install "
        f"chromium) or set ${CHROMIUM_ENV}; `--format mermaid` needs nothing"
    )


def render(text: str, fmt: str) -> bytes:
    """SVG text (UTF-8) or PNG bytes of the Mermaid diagram `text`."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        from ..extras import install_hint

        raise CliError(f"rendering SVG/PNG needs Playwright: {install_hint('inspector')}") from None
    from ..inspector.assets import mermaid_js

    executable = chromium_path()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True)
            try:
                page = browser.new_page(device_scale_factor=2)
                # From files, not through the driver: 5 MB of script is slow over its pipe.
                with tempfile.TemporaryDirectory(prefix="durable-graph-draw-") as folder:
                    (Path(folder) / "mermaid.min.js").write_text(mermaid_js(), encoding="utf-8")
                    (Path(folder) / "draw.html").write_text(_PAGE, encoding="utf-8")
                    page.goto((Path(folder) / "draw.html").as_uri())
                svg = page.evaluate(
                    """async (text) => {
                        mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
                        const {svg} = await mermaid.render('graph', text);
                        document.getElementById('out').innerHTML = svg;
                        return svg;
                    }""",
                    text,
                )
                if fmt == "svg":
                    return str(svg).encode("utf-8")
                return page.locator("#out svg").screenshot(omit_background=False)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise CliError(f"rendering with Chromium at {executable} failed: {exc}") from None
