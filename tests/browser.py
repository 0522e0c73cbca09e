"""A real browser for the console's end-to-end tests: Debian's headless Chromium driven by
selenium through Debian's ChromeDriver (never a downloaded browser or driver).

``MOCKGW_CHROMIUM`` and ``MOCKGW_CHROMEDRIVER`` name other executables; screenshots go to
``MOCKGW_ARTIFACTS`` when it is set (else a directory under pytest's temporary path).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

#: Flags that keep Chromium quiet on a closed network and fresh on every run.
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--window-size=1366,900")


def executables() -> tuple[str, str] | None:
    """(chromium, chromedriver), or ``None`` when either is missing."""
    browser = os.environ.get("MOCKGW_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    driver = os.environ.get("MOCKGW_CHROMEDRIVER") or shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def missing_reason() -> str | None:
    """Why no browser test can run here, or ``None``."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if executables() is None:
        return ("no Chromium and ChromeDriver found: apt-get install chromium chromium-driver "
                "(.ci/run installs them), or set MOCKGW_CHROMIUM and MOCKGW_CHROMEDRIVER")
    return None


def start_browser() -> Iterator[Any]:
    """A headless Chromium (selenium WebDriver) with a fresh profile; quits after use."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = executables()
    assert found is not None
    browser, driver = found
    profile = tempfile.mkdtemp(prefix="mockgw-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    chrome.set_page_load_timeout(30)
    try:
        yield chrome
    finally:
        chrome.quit()
        shutil.rmtree(profile, ignore_errors=True)


def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("MOCKGW_ARTIFACTS")
    if given:
        path = Path(given) / "console"
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("console-screenshots")


def screenshot(chrome: Any, directory: Path, name: str) -> Path:
    """A PNG of the whole page (the window grown to the page's height)."""
    height = chrome.execute_script("window.scrollTo(0, 0); "
                                   "return document.documentElement.scrollHeight")
    chrome.set_window_size(1366, min(max(int(height) + 40, 700), 6000))
    path = directory / f"{name}.png"
    chrome.save_screenshot(str(path))
    chrome.set_window_size(1366, 900)
    return path


def wait_for(chrome: Any, condition: Callable[[Any], Any], timeout: float = 15) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(chrome, timeout, poll_frequency=0.05).until(condition)


def severe_logs(chrome: Any) -> list[str]:
    """Errors the page logged (script errors, refused resources, CSP violations)."""
    return [entry["message"] for entry in chrome.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]
