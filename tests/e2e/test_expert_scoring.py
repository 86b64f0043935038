"""An expert scores a project in Chromium: logs in, opens the project assigned to them, reads it
(without the contacts' phones), scores every criterion, saves a draft, submits, and sees the
sheet locked.

Runs against pytest-django's live server with the Debian Chromium (no browser download).
"""

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from dibiao.reviews import services
from dibiao.reviews.choices import ReviewState
from dibiao.reviews.models import Assignment, Expert
from tests.factories import QuotaFactory, RoundFactory, received_recommendation

# Playwright's sync API runs an event loop in this thread; the test still reads the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield chromium
        chromium.close()
        # Close this thread's connections, or PostgreSQL cannot drop the test database.
        connections.close_all()


@pytest.fixture
def in_review(hangzhou_officer, zhejiang_officer, national_admin, expert_from_anhui, anhui):
    """Hangzhou's project, received through the workflow, assigned to the Anhui expert, in review."""
    now = timezone.now()
    round_ = RoundFactory(
        year=2021, opens_at=now - dt.timedelta(days=30), deadline_at=now + dt.timedelta(days=14)
    )
    QuotaFactory(round=round_, province=zhejiang_officer.organisation, cap=7)
    rec = received_recommendation(hangzhou_officer, zhejiang_officer, national_admin, round_)
    expert = Expert.objects.create(user=expert_from_anhui, affiliation="安徽农业大学", province=anhui)
    services.default_rubric(round_)
    services.update_panel(round_, actor=national_admin, experts_per_project=1, leader=None)
    sheet = services.assign(rec, expert, actor=national_admin)
    services.start_review(round_, actor=national_admin)
    return sheet


def test_an_expert_scores_saves_submits_and_sees_the_sheet_locked(
    browser, live_server, in_review, expert_from_anhui
):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "提交后分数将被锁定" – yes

    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", expert_from_anhui.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(live_server.url + reverse("dashboards:home"))

    # The list holds the one project; the expert opens it and reads it.
    page.goto(live_server.url + reverse("reviews:my_assignments"))
    page.click(f"a[href='{reverse('reviews:review', args=[in_review.pk])}']")
    page.wait_for_selector("article.reading")
    reading = page.inner_text("article.reading")
    assert "砀山酥梨" in reading
    assert "县政府设立专项资金" in reading
    assert "13805571234" not in page.content()

    # Every criterion scored, one of them out of bounds first: the page says so in Chinese.
    criteria = services.queries.criteria_of(in_review.recommendation.round)
    inputs = page.locator(".sheet .criterion input")
    assert inputs.count() == len(criteria) == 5
    for index, value in enumerate(["18", "17.5", "30", "12", "16"]):
        inputs.nth(index).fill(value)
    page.fill("textarea[name=comment]", "基础扎实，带农效果明显。")
    page.click("button[name=save]")
    page.wait_for_selector(".errorlist")
    assert "不能超过 25 分：这是该项的满分。" in page.inner_text(".sheet")
    assert Assignment.objects.get(pk=in_review.pk).scores.count() == 0

    page.locator(".sheet .criterion input").nth(2).fill("22")
    page.click("button[name=save]")
    page.wait_for_selector(".message-success")
    assert "评分已保存为草稿" in page.inner_text(".messages")
    assert page.locator(".sheet .criterion input").nth(1).input_value() == "17.5"

    page.click("button[name=submit]")
    page.wait_for_selector("[data-locked]")
    assert "分数已锁定" in page.inner_text("[data-locked]")
    assert page.locator(".sheet .criterion input").count() == 0
    assert "85.5" in page.inner_text(".sheet")

    sheet = Assignment.objects.get(pk=in_review.pk)
    assert (sheet.state, sheet.total, sheet.comment) == (
        ReviewState.SUBMITTED,
        Decimal("85.5"),
        "基础扎实，带农效果明显。",
    )
    context.close()
