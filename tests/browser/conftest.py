"""Browser fixtures: one headless Chromium for these tests, a fresh context and page per test."""

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, Response, Route, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


# The server's clock in every browser test: a Tuesday, so "tomorrow" is a Wednesday, the day a
# plan's first week once lost a session. The browser keeps its own clock; the cookies it is
# sent carry Max-Age, which it counts from its own clock, so the two may differ.
SERVER_NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _server_clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(SERVER_NOW, tick=True) as traveller:
        yield traveller


def _static_files_from_whitenoise(application):
    """No handler in front: WhiteNoise, in MIDDLEWARE, serves the collected STATIC_ROOT."""
    return application


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[LiveServer]:
    """pytest-django's live server, serving static files through WhiteNoise as production does.

    pytest-django puts StaticFilesHandler in front, which looks files up by their source names
    and answers 404 for the hashed names the manifest storage writes into the pages (the
    suite collects static files once, see tests/conftest.py). Started after the test
    database exists, as Django's LiveServerTestCase is.
    """
    server = LiveServer(request.config.getvalue("liveserver") or "localhost", start=False)
    server.thread.static_handler = _static_files_from_whitenoise
    server.start()
    yield server
    server.stop()


# Package scope, not session: sync Playwright keeps an asyncio loop running in the main thread
# for as long as it is started, and Django then refuses every ORM call there as if it came
# from async code. Stopping Playwright after tests/browser keeps the rest of the suite
# (pytest-django runs other transactional tests after these) out of that state.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = shutil.which(CHROMIUM)
    if executable is None:
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} CI must run the browser tests, not skip them.")
        pytest.skip(message)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Allow the ORM while the loop runs: in the tests, and in pytest-django's flush after
        # each of them (a function-scoped monkeypatch is undone before that flush).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, _server_clock: time_machine.Traveller) -> Iterator[Page]:
    # The site's CSP allows only its own scripts; bypass it so axe can be injected.
    context = browser.new_context(bypass_csp=True)
    send_forms_as_a_person(context, _server_clock)
    failed: list[Response] = []
    context.on("response", lambda response: response.status < 400 or failed.append(response))
    try:
        yield context.new_page()
    finally:
        context.close()
    # A stylesheet that did not load would have axe judge an unstyled page.
    failures = [f"{r.status} {r.url}" for r in failed]
    assert not failures, f"Requests failed: {failures}"


def send_forms_as_a_person(context: BrowserContext, server_clock: time_machine.Traveller) -> None:
    """Hold each form the context's pages send until the server's clock has moved on by the
    time trap's minimum: a person reads a form before sending it, Playwright fills one in
    within milliseconds. The trap stays on, at its real minimum, in every browser test; every
    context a test opens goes through this."""

    def hold(route: Route) -> None:
        if route.request.method == "POST":
            server_clock.shift(dt.timedelta(seconds=settings.BATCHWISE_FORM_MIN_SECONDS))
        route.continue_()

    context.route("**/*", hold)


class AxeViolations(AssertionError):
    """axe-core found accessibility violations."""


def axe_report(page: Page) -> str:
    """axe-core's violations on the page as it is now, each with its nodes; empty if none."""
    page.add_script_tag(path=AXE_SCRIPT)
    violations = page.evaluate("async () => (await axe.run()).violations")
    if not violations:
        return ""
    lines = [f"{len(violations)} axe violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            summary = " ".join(node["failureSummary"].split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Fail listing each violation's id, help and target nodes, if axe finds any."""
    report = axe_report(page)
    if report:
        raise AxeViolations(report)
