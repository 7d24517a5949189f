"""`snaplist serve` as a user starts it (offline model), and Debian's Chromium driven by Playwright.

The browser is the system one (/usr/bin/chromium); Playwright's own browser download is never used.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def serve_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port, model_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.err"
    # A port of its own for the offline model, so no other process's model is reused.
    environment = {**os.environ, "SNAPLIST_OFFLINE_PORT": str(model_port)}
    command = [sys.executable, "-m", "snaplist_local.cli", "serve", "--port", str(port)]
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [*command, "--provider", "offline"], cwd=REPO_ROOT, env=environment, stderr=stderr
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"snaplist serve exited: {log.read_text()}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise AssertionError(f"snaplist serve not healthy in {STARTUP_SECONDS} s: {log.read_text()}")
