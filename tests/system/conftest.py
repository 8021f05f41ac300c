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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class AccessibilityChecker:
    """Runs axe-core on the current page and fails with a readable list of violations."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.pages_checked: list[str] = []

    def __call__(self, page) -> None:
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
