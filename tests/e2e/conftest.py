"""Fixtures for the end-to-end tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Chromium is found by HUILIU_CHROMIUM (a path, to force a particular binary or, with a
path that does not exist, to exercise the missing-browser path), else `chromium` on PATH,
else /usr/bin/chromium. Where none is found (or the playwright package is missing) the
browser tests are skipped with one line in the summary, unless HUILIU_REQUIRE_BROWSER=1
(CI sets it): then they fail. Playwright's own browser download is never used.

A journey test takes `journey` (a Journey): it opens the tabs, each in a browser of its own and
logged in through the real form, and checks every page the same way (see Journey.on_page).
"""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from huiliu.accounts.models import Role
from tests import factories as f

# Playwright's sync API keeps an event loop running in the main thread; Django then
# refuses ORM calls made from that thread (the test's own set-up and checks) with
# SynchronousOnlyOperation. The ORM calls here are plain synchronous ones, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")



class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, with each request run alone.

    The test database is SQLite in memory, so every thread of the live server shares the
    test's one connection; two requests at once (a page's scripts fetching the place picker's
    levels together) would start a transaction inside another's ("cannot start a transaction
    within a transaction"). Connections stay threaded, so an idle keep-alive socket of the
    browser never blocks the others; only the application call is serialised.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


# pytest-django's live_server builds Django's LiveServerThread, which takes its server class from here.
LiveServerThread.server_class = OneRequestAtATimeServer

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
CJK = re.compile(r"[\u4e00-\u9fff]")


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


def _new_context(browser, *, accept_downloads: bool = False):
    """A browser context of its own, as a user in China sees the site: Chinese, Shanghai time, a laptop's screen."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900}, accept_downloads=accept_downloads)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser):
    context = _new_context(browser)
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


class Journey:
    """The tabs of one journey against the live server, each in a browser of its own, and the checks made on each page."""

    def __init__(self, base: str, browser, screenshot: Screenshots):
        self.base = base
        self.failed: list[str] = []  # every response of 400 or more, stylesheets included (the favicon probe aside)
        self._browser = browser
        self._screenshot = screenshot
        self._contexts = []

    def open_anonymous(self, *, accept_downloads: bool = False):
        """A watched page in a browser of its own, with nobody logged in."""
        context = _new_context(self._browser, accept_downloads=accept_downloads)
        self._contexts.append(context)
        tab = context.new_page()
        self.watch(tab)
        return tab

    def open_as(self, user, *, tab=None, accept_downloads: bool = False, password: str = f.PASSWORD):
        """A watched page logged in as the user through the real form: in a browser of its own, or in the tab given."""
        from playwright.sync_api import expect

        if tab is None:
            tab = self.open_anonymous(accept_downloads=accept_downloads)
        else:
            self.watch(tab)
        tab.goto(f"{self.base}/")
        tab.fill("input[name=username]", user.username)
        tab.fill("input[name=password]", password)
        tab.click("form.stack button[type=submit]")
        expect(tab.locator(".topbar .who")).to_contain_text(str(user))
        return tab

    def watch(self, tab) -> None:
        """Note in `failed` every response of 400 or more that the tab receives."""
        tab.on("response", self._note_failure)

    def _note_failure(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.failed.append(f"{response.status} {response.url}")

    def on_page(self, tab, label: str, url_pattern) -> None:
        """The tab is at the page, loaded in Chinese with no failed response so far; its screenshot is taken."""
        from playwright.sync_api import expect

        expect(tab).to_have_url(url_pattern)
        expect(tab.locator("html")).to_have_attribute("lang", "zh-Hans")
        tab.wait_for_load_state("load")
        self._screenshot(tab, label)
        assert not self.failed, f"{label}: failed responses {self.failed}"
        assert CJK.search(tab.locator("main").inner_text())

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self._contexts.clear()


@pytest.fixture
def journey(live_server, browser, screenshot):
    """A Journey against the live server; the browsers it opened are closed after the test."""
    journey = Journey(live_server.url, browser, screenshot)
    yield journey
    journey.close()


@pytest.fixture
def destination_worker(transactional_db):
    """A village worker at the destination; committed, so the live server's thread sees it."""
    f.build_tree()
    return f.make_user(Role.VILLAGE_WORKER, f.village(f.DESTINATION_COUNTY), "e2e-dest-worker")
