"""The short fuzz run of `make test`: a few dozen examples per operation against `serve`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak.fuzzing import fuzz
from tests.soak.serving import SAMPLE_APP, serve

pytestmark = pytest.mark.slow


def test_fuzzed_requests_get_documented_answers_and_never_a_5xx(tmp_path: Path) -> None:
    with serve(SAMPLE_APP, None, tmp_path / "serve.log") as (base_url, _):
        report = fuzz(base_url, max_examples=60, deadline_seconds=40)
    assert report.requests > 300, report
    assert all(status < 500 for status in report.statuses), report
