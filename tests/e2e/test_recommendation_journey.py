"""A recommendation from draft to received, in Chromium, through return and resubmission; and
the form losing nothing typed (two tabs, an expired session, a reload).

Runs against pytest-django's live server with the Debian Chromium (no browser download).
"""

import datetime as dt
import os
import re

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from dibiao.recommendations.choices import State
from dibiao.recommendations.models import Recommendation
from tests.factories import PDF_BYTES, QuotaFactory, RoundFactory

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
        # While Playwright runs, this thread has an event loop and, for Django, a context of
        # its own with its own database connections: close them here, or PostgreSQL cannot
        # drop the test database at the end.
        connections.close_all()


@pytest.fixture
def open_round(anhui):
    """The 2021 round, open now, with Anhui's quota."""
    now = timezone.now()
    round_ = RoundFactory(
        year=2021, opens_at=now - dt.timedelta(days=30), deadline_at=now + dt.timedelta(days=14)
    )
    QuotaFactory(round=round_, province=anhui, cap=7)
    return round_


def log_in(browser, live_server, user):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(live_server.url + reverse("dashboards:home"))
    return page


def sealed_page(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


UNIT_FIELDS = {
    "project_name": "砀山酥梨地理标志运用促进工程",
    "implementing_unit.representative.name": "王建国",
    "implementing_unit.representative.title": "局长",
    "implementing_unit.phone": "（0557）802 1234",
    "implementing_unit.responsible.name": "李明",
    "implementing_unit.responsible.title": "副局长",
    "implementing_unit.responsible.mobile": "139 0557 1234",
    "implementing_unit.contact.name": "张华",
    "implementing_unit.contact.mobile": "13805571234",
    "implementing_unit.address": "安徽省合肥市蜀山区1号",
    "implementing_unit.email": "zscq@example.cn",
    "geographical_indications.0.name": "砀山酥梨",
    "geographical_indications.0.rights_holder": "砀山县酥梨协会",
    "geographical_indications.0.approvals.0.authority": "原国家质检总局",
    "geographical_indications.0.approvals.0.date": "2006-12-31",
    "geographical_indications.0.production_area": "安徽省砀山县现辖行政区域",
    "introduction": "　　项目背景与基础。",
    "achievements": "　　用好一件地理标志，打造一个品牌。",
    "practices": "　　主要措施。",
    "safeguards": "　　县政府设立专项资金。",
}


def field(page, name):
    return page.locator(f'[name="{name}"]')


def wait_saved(page):
    page.wait_for_selector("[data-autosave-status].ok")
    assert "已自动保存" in page.inner_text("[data-autosave-status]")


def test_a_recommendation_goes_from_draft_to_received_through_a_return(
    browser, live_server, open_round, hefei_officer, anhui_officer, national_admin
):
    # The implementing officer starts a draft and fills it in; it saves itself.
    unit = log_in(browser, live_server, hefei_officer)
    unit.goto(live_server.url + reverse("recommendations:mine"))
    unit.click(f"form[action='{reverse('recommendations:create')}'] button")
    unit.wait_for_url(re.compile(r".*/recommendations/\d+/edit/$"))
    rec = Recommendation.objects.get()
    for name, value in UNIT_FIELDS.items():
        field(unit, name).fill(value)
    # A second approving authority, added in place: nothing typed above is lost.
    unit.click("[data-gi] [data-add-approval]")
    field(unit, "geographical_indications.0.approvals.1.authority").fill("商标局")
    field(unit, "geographical_indications.0.approvals.1.date").fill("2008-05-14")
    assert field(unit, "geographical_indications.0.approvals.0.authority").input_value() == "原国家质检总局"
    assert "已输入 10 字" in unit.inner_text("[data-count-for='f-introduction']")
    wait_saved(unit)
    rec.refresh_from_db()
    assert rec.data["geographical_indications"][0]["approvals"][1] == {
        "authority": "商标局",
        "date": "2008-05-14",
    }
    assert rec.data["implementing_unit"]["phone"] == "0557-8021234"

    # It submits, with its opinion and the sealed page.
    unit.click("button[name=then][value=submit]")
    unit.wait_for_url(re.compile(r".*/recommendations/\d+/#action-submit$"))
    unit.fill("#id_submit-opinion_text", "同意申报。")
    unit.set_input_files("#id_submit-sealed_page", sealed_page("实施单位盖章页.pdf"))
    unit.click("#action-submit button[type=submit]")
    unit.wait_for_selector("[data-state=submitted]")

    # The province returns it with a reason.
    province = log_in(browser, live_server, anhui_officer)
    province.goto(live_server.url + reverse("recommendations:province"))
    province.click(f"a[href='{rec.get_absolute_url()}#action-return']")
    province.fill("#id_return-reason", "请补充项目介绍中的工作机制。")
    province.click("#action-return button[type=submit]")
    province.wait_for_selector("[data-state=draft]")

    # The unit reads the reason, edits and submits again (its opinion and seal are kept).
    unit.goto(live_server.url + rec.get_absolute_url())
    assert "请补充项目介绍中的工作机制。" in unit.inner_text("#history")
    unit.goto(live_server.url + reverse("recommendations:edit", args=[rec.pk]))
    field(unit, "introduction").fill("　　项目背景与基础，以及“政府+协会+农户”的工作机制。")
    wait_saved(unit)
    unit.click("button[name=then][value=submit]")
    unit.wait_for_url(re.compile(r".*#action-submit$"))
    assert unit.input_value("#id_submit-opinion_text") == "同意申报。"
    unit.click("#action-submit button[type=submit]")
    unit.wait_for_selector("[data-state=submitted]")

    # The province recommends: its part of 一, 四, its opinion and its sealed page.
    province.goto(live_server.url + reverse("recommendations:province"))
    province.click(f"a[href='{rec.get_absolute_url()}#action-recommend']")
    province.wait_for_selector("#id_recommend-opinion_text", state="visible")
    # The province fills its own half of 一 as it recommends.
    field(province, "recommending_unit.division_head.name").fill("陈处长")
    field(province, "recommending_unit.division_head.mobile").fill("139 5511 2345")
    field(province, "recommending_unit.contact.name").fill("钱联络")
    field(province, "recommending_unit.contact.mobile").fill("13855112345")
    province.fill("#id_recommend-support", "省局安排专项资金支持。")
    province.fill("#id_recommend-opinion_text", "同意推荐。")
    province.set_input_files("#id_recommend-sealed_page", sealed_page("省局盖章页.pdf"))
    province.click("#action-recommend button[type=submit]")
    province.wait_for_selector("[data-state=recommended]")

    # The national administrator receives it and sees its number.
    admin = log_in(browser, live_server, national_admin)
    admin.goto(live_server.url + rec.get_absolute_url())
    admin.click("#action-receive button[type=submit]")
    admin.wait_for_selector("[data-state=received]")
    assert admin.inner_text("[data-number]") == "2021-34-01"

    rec.refresh_from_db()
    assert (rec.state, rec.number) == (State.RECEIVED, "2021-34-01")
    assert rec.versions.count() == 3  # submitted, resubmitted, recommended
    assert rec.data["recommending_unit"]["contact"]["name"] == "钱联络"
    assert rec.data["recommender_support"] == "省局安排专项资金支持。"


def test_nothing_typed_is_lost_in_two_tabs_after_logout_or_on_reload(
    browser, live_server, open_round, hefei_officer
):
    page = log_in(browser, live_server, hefei_officer)
    page.goto(live_server.url + reverse("recommendations:mine"))
    page.click(f"form[action='{reverse('recommendations:create')}'] button")
    page.wait_for_url(re.compile(r".*/edit/$"))
    edit = page.url
    rec = Recommendation.objects.get()

    # Two tabs: the first saves; the second is told and keeps its text.
    second = page.context.new_page()
    second.goto(edit)
    field(page, "project_name").fill("第一个标签页的名称")
    wait_saved(page)
    field(second, "introduction").fill("第二个标签页里写的项目介绍")
    second.wait_for_selector("[data-autosave-status].bad")
    assert "其他标签页" in second.inner_text("[data-autosave-status]")
    assert second.is_visible("[data-overwrite]")
    assert field(second, "introduction").input_value() == "第二个标签页里写的项目介绍"
    rec.refresh_from_db()
    assert (rec.project_name, rec.data["introduction"]) == ("第一个标签页的名称", "")
    second.close()

    # The session ends: the page says so, keeps the text and a copy in the browser.
    page.context.clear_cookies()
    field(page, "safeguards").fill("会话过期后写的保障措施")
    page.wait_for_selector("[data-autosave-status].bad")
    assert (
        page.inner_text("[data-autosave-status]") == "登录已过期，请在新标签页登录后再保存，本页内容不会丢失"
    )
    rec.refresh_from_db()
    assert rec.data["safeguards"] == ""

    # After logging in again and reloading, the page offers the browser's copy back.
    relogged = log_in(browser, live_server, hefei_officer)
    page.context.add_cookies(relogged.context.cookies())
    page.goto(edit)
    page.wait_for_selector(".restore")
    page.click(".restore button.btn:not(.secondary)")
    assert field(page, "safeguards").input_value() == "会话过期后写的保障措施"
    wait_saved(page)
    rec.refresh_from_db()
    assert rec.data["safeguards"] == "会话过期后写的保障措施"
