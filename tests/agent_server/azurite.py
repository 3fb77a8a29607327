"""Azurite's table service (the npm package, `make npm`) on 127.0.0.1, for the Azure store.

Started on a free port with its data in a temporary folder, stopped (by its own
process id) when the block ends. Missing Azurite fails the test: the Azure
store's tests never skip.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import eventually

ROOT = Path(__file__).resolve().parents[2]
AZURITE_TABLE = ROOT / "node_modules" / ".bin" / "azurite-table"
ACCOUNT = "devstoreaccount1"
# Azurite's published development key (not a secret).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def azurite_tables() -> Iterator[str]:
    """Run Azurite's table service; yield a connection string for it."""
    if not AZURITE_TABLE.exists():
        raise AssertionError(f"{AZURITE_TABLE} is missing: run `make npm` (npm ci)")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="azurite-") as location:
        command = [str(AZURITE_TABLE), "--tableHost", "127.0.0.1", "--tablePort", str(port)]
        command += ["--location", location, "--skipApiVersionCheck", "--disableTelemetry"]
        log = Path(location) / "azurite.log"
        with log.open("wb") as output:
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            eventually(lambda: process.poll() is not None or _listening(port), timeout=30)
            assert process.poll() is None, f"Azurite exited:\n{log.read_text()}"
            yield (
                f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                f"TableEndpoint=http://127.0.0.1:{port}/{ACCOUNT};"
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
