"""The map frames the pauses it shows, wherever they are: with the sudan-2023 scenario loaded
the first view is Sudan, not the Gaza Strip (a browser test: the page frames by script)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def sudan_page(browser: Any, sudan_server: str) -> Any:
    context = browser.new_context(base_url=sudan_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


def test_a_sudan_scenario_opens_on_sudan(sudan_page: Any, artefacts: Path) -> None:
    page = sudan_page
    page.goto("/")
    page.wait_for_function(
        "() => window.respite && (window.respite.state.data || window.respite.error)"
    )
    assert page.evaluate("window.respite.error || null") is None
    page.wait_for_selector("#pause-list li")
    west, south, east, north = page.evaluate("window.respite.bounds()")
    # Sudan spans about 21.8-38.6 E and 8.7-22.2 N: all of it is in view
    assert west < 22 and east > 38.5 and south < 8.8 and north > 22.1
    assert east - west < 40  # framed on Sudan, not the whole world
    assert page.locator("#pause-list li").count() == 3
    assert "Africa/Khartoum" in page.inner_text("#moment")
    # inside the 72-hour ceasefire the Sudan zone is drawn, and Khartoum is covered
    page.evaluate("window.respite.setTime('2023-06-19T10:00:00Z')")
    page.wait_for_selector('#map path[data-zone="sudan-ceasefire-2023-06-18/sudan"]')
    # the pause page frames the pause's zone too
    page.goto("/#pause=sudan-ceasefire-2023-06-18")
    page.wait_for_selector("#pause-page:not([hidden])")
    west, south, east, north = page.evaluate("window.respite.bounds()")
    assert west < 32.56 < east and south < 15.5 < north  # Khartoum in view
    page.screenshot(path=artefacts / "sudan-map.png")
