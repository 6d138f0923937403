"""Fixtures for the end-to-end tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Chromium is found by HUILIU_CHROMIUM (a path, to force a particular binary or, with a
path that does not exist, to exercise the missing-browser path), else `chromium` on PATH,
else /usr/bin/chromium. Where none is found (or the playwright package is missing) the
browser tests are skipped with one line in the summary, unless HUILIU_REQUIRE_BROWSER=1
(CI sets it): then they fail. Playwright's own browser download is never used.
"""

import os
import shutil
from pathlib import Path

import pytest

from huiliu.accounts.models import Role
from tests import factories as f

# Playwright's sync API keeps an event loop running in the main thread; Django then
# refuses ORM calls made from that thread (the test's own set-up and checks) with
# SynchronousOnlyOperation. The ORM calls here are plain synchronous ones, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "e2e"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def _find_chromium() -> str | None:
    override = os.environ.get("HUILIU_CHROMIUM")
    candidates = [override] if override else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(problem: str):
    """Skip the browser tests, with the reason shown in the summary (-ra); fail instead where CI requires them."""
    if os.environ.get("HUILIU_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{problem}: browser tests are required here (HUILIU_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(f"{problem}: browser tests skipped")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _find_chromium()
    if path is None:
        _unavailable("Chromium not found")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("playwright not installed")
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


class Screenshots:
    """Full-page PNGs of each page visited, numbered in order across the session."""

    count = 0

    def __call__(self, page, name: str) -> Path:
        Screenshots.count += 1
        path = ARTIFACTS / f"{Screenshots.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screenshot(browser) -> Screenshots:
    return Screenshots()


@pytest.fixture
def destination_worker(transactional_db):
    """A village worker at the destination; committed, so the live server's thread sees it."""
    f.build_tree()
    return f.make_user(Role.VILLAGE_WORKER, f.village(f.DESTINATION_COUNTY), "e2e-dest-worker")
