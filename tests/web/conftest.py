"""Fixtures for the public map: the app in-process, a live server, and Debian's Chromium.

- ``client``: the app (``create_app`` + ``respite.web.router``) on a bootstrapped SQLite file,
  through Starlette's TestClient.
- ``live_server``: the same app served by uvicorn in a subprocess on a free port, one per
  xdist worker (so the browser tests run in parallel without sharing a database).
- ``browser``: Chromium at ``/usr/bin/chromium`` driven by Playwright (never a downloaded
  browser), one per worker. Without it the browser tests are skipped locally and FAIL under
  ``CI=true``; the same holds for a missing bundle (``src/respite/web/frontend/build.sh``).
- ``artefacts``: ``test-artifacts/web/`` at the repository root (gitignored) for screenshots.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from respite.web import assets

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _load(name: str, path: Path) -> ModuleType:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


webapp = _load("respite_tests_webapp", HERE / "webapp.py")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


def _need_bundle() -> None:
    missing = assets.bundle_missing()
    if missing:
        _unavailable(
            f"the map's bundle is not built ({', '.join(missing)}): "
            "run src/respite/web/frontend/build.sh (scripts/setup does)"
        )


@pytest.fixture(scope="session")
def artefacts() -> Path:
    path = ROOT / "test-artifacts" / "web"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web-app') / 'respite.db'}"
    with TestClient(webapp.create(url)) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the app served by uvicorn in a subprocess."""
    yield from _serve(tmp_path_factory, "gaza-2023-2024")


@pytest.fixture(scope="session")
def sudan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same app with the second bundled scenario, sudan-2023, loaded instead."""
    yield from _serve(tmp_path_factory, "sudan-2023")


def _serve(tmp_path_factory: pytest.TempPathFactory, scenario: str) -> Iterator[str]:
    _need_bundle()
    folder = tmp_path_factory.mktemp("web-live")
    port = _free_port()
    env = {
        **os.environ,
        "RESPITE_DATABASE_URL": f"sqlite:///{folder / 'respite.db'}",
        "RESPITE_TEST_SCENARIO": scenario,
    }
    log = (folder / "server.log").open("w")
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "webapp:create_from_env",
        "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log", "--lifespan", "off", "--ws", "none",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {(folder / 'server.log').read_text()}")
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 90 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched once per worker."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is absent: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional dev tool
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    finally:
        manager.stop()


@pytest.fixture
def context(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh browser profile (no cache, no service worker) for each test."""
    ctx = browser.new_context(
        base_url=live_server,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        service_workers="allow",
    )
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.errors = errors
    yield tab
    assert not errors, f"errors in the page: {errors}"
