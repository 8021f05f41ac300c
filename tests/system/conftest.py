"""Browser journeys through real Chromium (Debian's package, never a Playwright download), with
an axe accessibility check on every page visited."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the test's own database calls are
# still synchronous, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/system" in str(item.fspath):
            item.add_marker(pytest.mark.system)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run `apt-get install chromium` (.ci/run does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# The NHS.UK stylesheet asks for the NHS fonts from the NHS's CDN. These machines are offline, so
# those requests fail (and the page falls back to Arial, as the design allows); that is the only
# console error a journey may ignore.
FONT_CDN = "https://assets.nhs.uk/"

# Run in the page: is the NHS.UK frontend running? The template's inline script marks <body> as
# supported (it needs the CSP nonce) and `initAll()` then marks every component it started with
# `data-<module>-init`. A component left without that mark did not start.
FRONTEND_STATE = """() => ({
  supported: document.body.classList.contains('nhsuk-frontend-supported'),
  notStarted: [...document.querySelectorAll('[data-module^="nhsuk-"]')]
    .filter(el => !el.hasAttribute(`data-${el.dataset.module}-init`))
    .map(el => el.dataset.module),
})"""


class ConsoleWatch:
    """Everything a page logs as an error (console errors, uncaught exceptions, CSP refusals),
    plus the NHS.UK frontend's own "SupportError" (which it logs as a plain message)."""

    def __init__(self, page):
        self.problems: list[str] = []
        # Pages the test asked for: their own status (a 400 for a refused form, a 404 the test
        # expects) is the server's answer, which the test asserts; Chromium logs it as an error.
        self.documents: set[str] = set()
        page.on(
            "response",
            lambda response: (
                self.documents.add(response.url)
                if response.request.resource_type == "document"
                else None
            ),
        )
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def _on_console(self, message) -> None:
        location = (message.location or {}).get("url", "")
        if message.type == "error":
            failed_load = message.text.startswith("Failed to load resource")
            if failed_load and (location.startswith(FONT_CDN) or location in self.documents):
                return
            self.problems.append(f"console error: {message.text} ({location})")
        elif "SupportError" in message.text or "NHSUKFrontendError" in message.text:
            self.problems.append(f"frontend: {message.text.splitlines()[0]}")

    def take(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems


def open_page(browser, *, width: int = 1100, height: int = 900):
    """A fresh browser context and page, watched for console errors. Journeys that need a second
    person (an organisation with an upload link, a family with their link) open one with this
    (or the `another_page` fixture) so that the same checks apply."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    # An upper bound on waiting for a state, not a pause: generous, for a busy 2-core machine.
    page.set_default_timeout(30_000)
    page.console_watch = ConsoleWatch(page)
    return page


def assert_page_sound(page) -> None:
    """Fail if the page logged an error (console, uncaught exception, CSP) since the last check,
    or if the NHS.UK frontend did not start on it (no error-summary focus, no header menu)."""
    problems = page.console_watch.take() if hasattr(page, "console_watch") else []
    if page.url.startswith(("http://", "https://")) and page.locator("body").count():
        content_type = page.evaluate("document.contentType")
        if content_type == "text/html":
            state = page.evaluate(FRONTEND_STATE)
            if not state["supported"]:
                problems.append("the NHS.UK frontend is not supported on this page (no body class)")
            if state["notStarted"]:
                problems.append(f"NHS.UK components did not start: {state['notStarted']}")
    if problems:
        pytest.fail(f"{page.url}:\n- " + "\n- ".join(problems))


def assert_error_summary_focused(page) -> None:
    """After a refused submit the NHS.UK error summary takes focus, so that keyboard and
    screen-reader users hear what went wrong."""
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('.nhsuk-error-summary')"
    )


@pytest.fixture
def page(browser):
    page = open_page(browser)
    yield page
    problems = page.console_watch.take()
    page.context.close()
    if problems:
        pytest.fail("The page logged errors after its last check:\n- " + "\n- ".join(problems))


@pytest.fixture
def another_page(browser):
    """A second, separate browser (no shared cookies), watched like `page`."""
    pages = []

    def make(**kwargs):
        pages.append(open_page(browser, **kwargs))
        return pages[-1]

    yield make
    problems = [p for other in pages for p in other.console_watch.take()]
    for other in pages:
        other.context.close()
    if problems:
        pytest.fail("A page logged errors after its last check:\n- " + "\n- ".join(problems))


class AccessibilityChecker:
    """The check every journey runs on every page it visits: axe-core finds no violation, the
    page logged no error, and the NHS.UK frontend started. Fails with a readable list."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.pages_checked: list[str] = []

    def __call__(self, page) -> None:
        assert_page_sound(page)
        results = self.axe.run(page)
        self.pages_checked.append(page.url)
        violations = results.response["violations"]
        if violations:
            lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
            for v in violations:
                targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']} at {targets}")
            pytest.fail("\n".join(lines))


@pytest.fixture
def axe_check():
    return AccessibilityChecker()
