"""A visitor uses the public site in a real browser (Debian's Chromium, never downloaded).

The case library: search 脐橙, find the navel-orange case and not the pear, open it and see its
photo. The statistics page: ECharts draws the tile map on a canvas without a JavaScript error
(the strict CSP forbids inline scripts, so an error here would be a broken page)."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from dibiao.reports import services
from tests.reports.helpers import DANGSHAN_PEAR, key_project, photo, published_case, published_round

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The data are built by fixtures that come before the browser: ORM calls made while Playwright
# runs would use a database connection of Playwright's greenlet, which nobody closes (and a
# PostgreSQL test database with an open connection cannot be dropped).

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"no Chromium at {CHROMIUM}: make setup-dev installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page in Chinese that collects every console error and uncaught exception."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def orange(anhui_officer, national_admin):
    """Two published cases, the navel orange with a photo."""
    case = published_case(anhui_officer, national_admin)
    published_case(anhui_officer, national_admin, **DANGSHAN_PEAR)
    services.add_case_photo(case, actor=national_admin, uploaded_file=photo(), caption="脐橙果园")
    return case


@pytest.fixture
def selected_project(hefei_officer):
    return key_project(hefei_officer.organisation, published_round(2021), creator=hefei_officer)


def test_visitor_searches_the_case_library_and_opens_a_case(live_server, orange, page):
    page.goto(live_server.url + reverse("public:cases"))
    expect(page.locator("#results")).to_contain_text("砀山酥梨品牌建设")
    page.get_by_label("搜索").fill("脐橙")
    page.get_by_role("button", name="搜索").click()

    results = page.locator("#results")
    expect(results).to_contain_text("共找到 1 个案例")
    expect(results).not_to_contain_text("砀山酥梨")
    assert "q=" in page.url  # the search is in the address: it can be shared and reloaded
    results.get_by_role("link", name=orange.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(orange.title)
    expect(page.get_by_text("赣南脐橙种植面积达一百八十万亩。")).to_be_visible()
    image = page.get_by_role("img", name="脐橙果园")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 40
    assert page.errors == []


def test_statistics_page_draws_the_tile_map_without_errors(live_server, selected_project, page):
    page.goto(live_server.url + reverse("public:statistics"))

    canvas = page.locator("#tilemap canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box is not None
    assert (box["width"] > 300, box["height"] > 250) == (True, True)
    expect(page.locator("#statistics-table")).to_contain_text("安徽省知识产权局")
    assert page.errors == []
