"""A real headless Chromium (Debian's `chromium`, driven by Playwright; never downloaded)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from azure_functions_durable_graph.cli._common import CliError
from azure_functions_durable_graph.cli.render import CHROMIUM_ENV, chromium_path


# Module scope, not session: while Playwright's sync API is open its event loop counts as
# running in this thread, which would break later tests that call asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    try:
        executable = chromium_path()
    except CliError as exc:
        pytest.fail(f"{exc} (`make browser` installs it; or set ${CHROMIUM_ENV})")
    assert shutil.which(executable) or executable
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    # Every request must stay on this machine: the page is served from the package.
    opened.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("http://127.0.0.1")
            else (errors.append(f"external request {route.request.url}"), route.abort())
        ),
    )
    try:
        yield opened
    finally:
        context.close()
    assert not errors, errors
