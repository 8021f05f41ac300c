"""Dashboards on a 320 px screen (issue 16 item 8): no sideways page scroll on the ICB, region
and England dashboards; charts shrink with the page and keep their labels; wide tables scroll
in their own focusable box. axe and the console check on each page. Screenshots go to
/tmp/h16-shots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.reports.tests.conftest import area, cases  # noqa: F401

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/h16-shots")

# What reaches past the screen's right edge while its parent does not (what to fix when the
# page scrolls sideways), with how its parent clips it.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 321)
  .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= 321)
  .slice(0, 8)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`
    + ` in ${e.parentElement.className} (${getComputedStyle(e.parentElement).overflowX})`)"""


def signed_in(page, live_server, user):
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_dashboards_fit_a_320_px_screen(another_page, live_server, axe_check, area, cases):
    SHOTS.mkdir(exist_ok=True)
    page = another_page(width=320, height=800)
    page.set_default_timeout(120_000)
    icb = area["icb"]
    region = area["region"]
    national = user_with_role(Role.NATIONAL_ANALYST, None)
    checks = [
        (area["lac"], f"/staff/reports/dashboards/icb/{icb.ods_code}", "dashboard-icb-320"),
        (national, f"/staff/reports/dashboards/region/{region.ods_code}", "dashboard-region-320"),
        (national, "/staff/reports/dashboards/england", "dashboard-england-320"),
    ]
    for user, path, name in checks:
        page.context.clear_cookies()
        signed_in(page, live_server, user)
        page.goto(f"{live_server.url}{path}?year=2026&cohort=deaths&period=calendar")
        axe_check(page)
        assert page.locator("svg[role=img]").count() >= 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} {width}: " + " | ".join(page.evaluate(OVERFLOWING))
        # A chart's text stays readable: the chart is shrunk by a third at most.
        chart = page.locator("svg.leder-chart__svg").first
        box = chart.bounding_box()
        natural = float(chart.get_attribute("width"))
        assert box["width"] >= natural * 0.66, (path, box["width"], natural)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
