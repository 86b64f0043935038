"""The round pages, as the administrator and a provincial officer see them."""

import codecs
import datetime as dt
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dibiao.core.models import AuditEvent
from dibiao.rounds import queries, services
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Extension, Holding, Quota, Round
from tests.factories import ProvinceFactory, RoundFactory
from tests.rounds.conftest import holdings_csv, reference_rows

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def admin_client(client, national_admin):
    client.force_login(national_admin)
    return client


def caps(round):
    return dict(Quota.objects.filter(round=round).values_list("province__province_code", "cap"))


def text(response):
    return response.content.decode()


ROUND_FORM = {
    "year": "2021",
    "title": "2021年地理标志运用促进工程重点项目推荐",
    "notice_ref": "国知发运字〔2021〕20号",
    "opens_at": "2021-06-01T00:00:00",
    "deadline_at": "2021-09-15T23:59:59",
    "state": "open",
}


# --- the round form: Beijing time in, UTC stored, Beijing time out -----------------------------


def test_round_is_created_with_the_deadline_in_beijing_time(admin_client):
    response = admin_client.post(reverse("rounds:create"), ROUND_FORM)

    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:detail", args=[round.pk])
    assert round.deadline_at == dt.datetime(2021, 9, 15, 15, 59, 59, tzinfo=dt.UTC)
    assert round.opens_at == dt.datetime(2021, 5, 31, 16, 0, tzinfo=dt.UTC)
    assert (round.state, round.notice_ref) == (RoundState.OPEN, "国知发运字〔2021〕20号")


def test_round_form_shows_the_stored_deadline_in_beijing_time(admin_client, round_2021):
    response = admin_client.get(reverse("rounds:edit", args=[round_2021.pk]))

    assert 'name="deadline_at" value="2021-09-15T23:59:59"' in text(response)
    assert 'type="datetime-local"' in text(response)


def test_detail_shows_the_deadline_in_beijing_time(admin_client, round_2021):
    response = admin_client.get(reverse("rounds:detail", args=[round_2021.pk]))

    assert "2021-09-15 23:59:59" in text(response)


def test_deadline_typed_with_a_space_and_without_seconds_is_read_too(admin_client, round_2021):
    data = {**ROUND_FORM, "deadline_at": "2021-09-16 12:00"}

    admin_client.post(reverse("rounds:edit", args=[round_2021.pk]), data)

    round_2021.refresh_from_db()
    assert round_2021.deadline_at == dt.datetime(2021, 9, 16, 4, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadline_at": "2021-05-01T00:00:00"}, "截止时间必须晚于开始时间。"),
        ({"deadline_at": "9月15日"}, "请输入日期和时间，例如 2021-09-15 23:59:59。"),
        ({"year": "2020"}, "2020 年度的推荐批次已存在。"),
        ({"title": ""}, "此项为必填项。"),
    ],
    ids=["deadline-before-opening", "not-a-date", "year-taken", "no-title"],
)
def test_invalid_round_is_refused_in_chinese(changes, message, admin_client):
    RoundFactory(year=2020)

    response = admin_client.post(reverse("rounds:create"), {**ROUND_FORM, **changes})

    assert response.status_code == 200
    assert message in text(response)
    assert list(Round.objects.values_list("year", flat=True)) == [2020]


def test_editing_a_round_is_recorded(admin_client, round_2021):
    response = admin_client.post(
        reverse("rounds:edit", args=[round_2021.pk]), {**ROUND_FORM, "state": "closed"}
    )

    assert response.status_code == 302
    round_2021.refresh_from_db()
    assert round_2021.state == RoundState.CLOSED
    assert AuditEvent.objects.get(verb="round.update").data["new"] == {"state": "closed"}


# --- list and detail -----------------------------------------------------------------------------


def test_detail_shows_the_quota_table_with_its_total(admin_client, quotas_2021):
    response = admin_client.get(reverse("rounds:detail", args=[quotas_2021.pk]))

    page = text(response)
    assert response.status_code == 200
    assert page.count('<td class="num">') == 33  # 32 quotas and the total
    assert '<td class="num">184</td>' in page
    assert "青海省知识产权管理机构" in page
    assert "国知发运字〔2021〕20号附件2" in page


def test_detail_says_how_many_units_have_no_quota(admin_client, round_2021, all_provinces):
    response = admin_client.get(reverse("rounds:detail", args=[round_2021.pk]))

    assert "尚未分配名额的省级单位：32 个。" in text(response)


@pytest.mark.usefixtures("cold_pages")
def test_list_shows_each_rounds_total(admin_client, quotas_2021):
    response = admin_client.get(reverse("rounds:list"))

    assert '<td class="num">184</td>' in text(response)
    assert '<td class="num">32</td>' in text(response)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_rounds(admin_client, quotas_2021):
    one = _count_queries(admin_client, reverse("rounds:list"))
    RoundFactory(year=2022)
    RoundFactory(year=2023)

    assert _count_queries(admin_client, reverse("rounds:list")) == one


def test_detail_query_count_does_not_grow_with_quotas_or_extensions(
    admin_client, round_2021, anhui, national_admin
):
    def add(province):
        services.set_quotas(round_2021, {province.province_code: 2}, actor=national_admin)
        until = dt.datetime(2021, 9, 20, tzinfo=SHANGHAI)
        services.grant_extension(round_2021, province, until, "理由", national_admin)

    add(anhui)
    url = reverse("rounds:detail", args=[round_2021.pk])
    one = _count_queries(admin_client, url)
    for row in reference_rows()[:3]:
        add(ProvinceFactory(province_code=row["province_code"], name=row["unit_name"]))

    assert Extension.objects.count() == 4
    assert _count_queries(admin_client, url) == one


def test_province_list_query_count_does_not_grow_with_rounds(client, anhui_officer, quotas_2021):
    client.force_login(anhui_officer)
    one = _count_queries(client, reverse("rounds:list"))
    RoundFactory(year=2022)
    RoundFactory(year=2023)

    assert _count_queries(client, reverse("rounds:list")) == one


# --- what a provincial officer sees ------------------------------------------------------------


def test_provincial_officer_sees_only_its_own_quota_and_deadline(
    client, anhui_officer, quotas_2021, national_admin
):
    services.grant_extension(
        quotas_2021,
        anhui_officer.organisation,
        dt.datetime(2021, 9, 22, 17, 0, tzinfo=SHANGHAI),
        "理由",
        national_admin,
    )
    client.force_login(anhui_officer)

    response = client.get(reverse("rounds:detail", args=[quotas_2021.pk]))

    page = text(response)
    assert response.status_code == 200
    assert "安徽省知识产权局" in page
    assert '<span class="countdown">7</span>' in page
    assert "2021-09-22 17:00:00" in page
    assert "已延期" in page
    assert "浙江省知识产权局" not in page
    assert "184" not in page
    assert reverse("rounds:edit_quotas", args=[quotas_2021.pk]) not in page


def test_provincial_officer_list_shows_its_own_quota(client, zhejiang_officer, quotas_2021):
    client.force_login(zhejiang_officer)

    response = client.get(reverse("rounds:list"))

    assert '<td class="num">7</td>' in text(response)
    assert "184" not in text(response)
    assert reverse("rounds:create") not in text(response)


def test_draft_round_is_not_shown_to_provincial_officers(client, anhui_officer):
    draft = RoundFactory(year=2022, state=RoundState.DRAFT)
    client.force_login(anhui_officer)

    assert client.get(reverse("rounds:detail", args=[draft.pk])).status_code == 404
    assert "2022" not in text(client.get(reverse("rounds:list")))


MANAGEMENT_URLS = [
    ("rounds:create", {}),
    ("rounds:edit", {"pk": True}),
    ("rounds:edit_quotas", {"pk": True}),
    ("rounds:import_quotas", {"pk": True}),
    ("rounds:export_quotas", {"pk": True, "fmt": "csv"}),
    ("rounds:edit_holdings", {"pk": True}),
    ("rounds:import_holdings", {"pk": True}),
    ("rounds:propose_quotas", {"pk": True}),
]


def _url(name, kwargs, round):
    return reverse(name, kwargs={key: round.pk if value is True else value for key, value in kwargs.items()})


@pytest.mark.parametrize(("name", "kwargs"), MANAGEMENT_URLS, ids=[name for name, _ in MANAGEMENT_URLS])
def test_provincial_officer_is_refused_management_pages(name, kwargs, client, anhui_officer, quotas_2021):
    client.force_login(anhui_officer)

    response = client.get(_url(name, kwargs, quotas_2021))

    assert response.status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), MANAGEMENT_URLS, ids=[name for name, _ in MANAGEMENT_URLS])
def test_anonymous_is_sent_to_log_in(name, kwargs, client, quotas_2021):
    url = _url(name, kwargs, quotas_2021)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_provincial_officer_cannot_post_quotas(client, anhui_officer, quotas_2021):
    client.force_login(anhui_officer)

    response = client.post(reverse("rounds:edit_quotas", args=[quotas_2021.pk]), {"cap_34": "99"})

    assert response.status_code == 403
    assert caps(quotas_2021)["34"] == 7


# --- quotas: edit, import, export ---------------------------------------------------------------


def quota_form(round, **changes):
    data = {f"cap_{code}": str(cap) for code, cap in caps(round).items()}
    data.update({f"cap_{code}": value for code, value in changes.items()})
    return data


def test_quota_page_lists_all_32_provinces(admin_client, quotas_2021):
    response = admin_client.get(reverse("rounds:edit_quotas", args=[quotas_2021.pk]))

    assert text(response).count('type="number" name="cap_') == 32
    assert 'name="cap_63" value="3"' in text(response)


def test_quotas_are_edited_on_one_page(admin_client, quotas_2021):
    data = {**quota_form(quotas_2021, **{"11": "3", "12": "1"}), "basis": "2021年8月调整"}

    response = admin_client.post(reverse("rounds:edit_quotas", args=[quotas_2021.pk]), data)

    assert response.status_code == 302
    assert (caps(quotas_2021)["11"], caps(quotas_2021)["12"]) == (3, 1)
    assert Quota.objects.get(round=quotas_2021, province__province_code="11").basis == "2021年8月调整"


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "数量不能为负数。"), ("2.5", "请填写整数。"), ("三", "请填写整数。"), ("", "请填写数量。")],
)
def test_invalid_quota_is_refused_in_chinese_and_nothing_saved(value, message, admin_client, quotas_2021):
    data = quota_form(quotas_2021, **{"11": "5", "37": value})

    response = admin_client.post(reverse("rounds:edit_quotas", args=[quotas_2021.pk]), data)

    assert response.status_code == 200
    assert message in text(response)
    assert "部分数字有误，请查看标出的行。本次未保存任何数据。" in text(response)
    assert (caps(quotas_2021)["11"], caps(quotas_2021)["37"]) == (2, 10)


def test_quota_file_is_imported_from_the_page(admin_client, round_2021, all_provinces, quota_csv):
    upload = SimpleUploadedFile("quota-2021.csv", codecs.BOM_UTF8 + quota_csv, content_type="text/csv")

    response = admin_client.post(
        reverse("rounds:import_quotas", args=[round_2021.pk]), {"file": upload, "basis": "附件2"}
    )

    assert response.status_code == 302
    assert sum(caps(round_2021).values()) == 184
    follow = admin_client.get(response["Location"])
    assert "已导入 32 个单位的名额，合计 184 个。" in text(follow)


def test_import_page_suggests_attachment_2_as_the_basis(admin_client, round_2021):
    response = admin_client.get(reverse("rounds:import_quotas", args=[round_2021.pk]))

    assert 'value="国知发运字〔2021〕20号附件2"' in text(response)


def test_bad_quota_file_shows_every_problem_on_the_page(admin_client, quotas_2021):
    lines = ["province_code,unit_name,quota"] + [",".join(row.values()) for row in reference_rows()]
    lines[4] = "14,山西省知识产权局,2.5"
    lines[7] = "22,吉林省知识产权局,-4"
    upload = SimpleUploadedFile("bad.csv", "\n".join(lines).encode("gbk"))

    response = admin_client.post(reverse("rounds:import_quotas", args=[quotas_2021.pk]), {"file": upload})

    page = text(response)
    assert response.status_code == 200
    assert "文件未导入，数据未作任何改动。" in page
    assert "<li>第 5 行：名额“2.5”不是整数。</li>" in page
    assert "<li>第 8 行：名额 -4 为负数，应不小于 0。</li>" in page
    assert sum(caps(quotas_2021).values()) == 184


def test_import_without_a_file_says_so(admin_client, round_2021):
    response = admin_client.post(reverse("rounds:import_quotas", args=[round_2021.pk]), {})

    assert "请选择文件。" in text(response)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_quotas_download(fmt, content_type, admin_client, quotas_2021):
    response = admin_client.get(reverse("rounds:export_quotas", args=[quotas_2021.pk, fmt]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="quotas-2021.{fmt}"'


# --- holdings and the proposal -----------------------------------------------------------------


def test_holdings_are_entered_on_one_page(admin_client, round_2021, all_provinces):
    data = {}
    for code in all_provinces:
        data[f"products_{code}"] = "10"
        data[f"trademarks_{code}"] = "20"
    data["products_37"] = "abc"

    refused = admin_client.post(reverse("rounds:edit_holdings", args=[round_2021.pk]), data)
    assert "请填写整数。" in text(refused)
    assert not Holding.objects.exists()

    data["products_37"] = "95"
    response = admin_client.post(reverse("rounds:edit_holdings", args=[round_2021.pk]), data)

    assert response.status_code == 302
    shandong = Holding.objects.get(round=round_2021, province__province_code="37")
    assert (shandong.gi_products, shandong.gi_trademarks, shandong.total) == (95, 20, 115)


def test_holdings_file_is_imported_from_the_page(admin_client, round_2021, all_provinces):
    upload = SimpleUploadedFile("holdings.csv", holdings_csv())

    response = admin_client.post(reverse("rounds:import_holdings", args=[round_2021.pk]), {"file": upload})

    assert response.status_code == 302
    assert Holding.objects.filter(round=round_2021).count() == 32


def test_proposal_is_shown_beside_current_quotas_and_changes_nothing(
    admin_client, quotas_2021, national_admin
):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)
    expected = queries.proposal_for(quotas_2021, total=184, floor=2, ceiling=10)
    before = caps(quotas_2021)

    response = admin_client.get(reverse("rounds:propose_quotas", args=[quotas_2021.pk]))

    page = text(response)
    # The defaults are today's total, smallest and largest quota.
    assert 'name="total" value="184"' in page
    assert 'name="floor" value="2"' in page
    assert 'name="ceiling" value="10"' in page
    assert "最大余额法" in page
    shandong = next(row for row in expected.rows if row.province.province_code == "37")
    assert (
        f'<td class="num">{shandong.weight}</td>\n'
        f'            <td class="num">10</td>\n'
        f'            <td class="num"><strong>{shandong.proposed}</strong></td>'
    ) in page
    assert caps(quotas_2021) == before
    assert not AuditEvent.objects.filter(verb="quotas.apply_proposal").exists()


def test_proposal_parameters_are_checked(admin_client, quotas_2021, national_admin):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)

    response = admin_client.get(
        reverse("rounds:propose_quotas", args=[quotas_2021.pk]),
        {"total": "400", "floor": "1", "ceiling": "10"},
    )

    assert "上限为 10 时，32 个省级单位最多只能分配 320 个名额。" in text(response)
    assert 'name="expected"' not in text(response)


def test_proposal_without_holdings_asks_for_them(admin_client, quotas_2021):
    response = admin_client.get(reverse("rounds:propose_quotas", args=[quotas_2021.pk]))

    assert "本批次尚未录入地理标志拥有量" in text(response)


def test_proposal_partial_for_htmx(admin_client, quotas_2021, national_admin):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)

    response = admin_client.get(
        reverse("rounds:propose_quotas", args=[quotas_2021.pk]),
        {"total": "184", "floor": "1", "ceiling": "12"},
        headers={"HX-Request": "true"},
    )

    assert text(response).lstrip().startswith('<section id="proposal">')
    assert 'name="ceiling" value="12"' in text(response)


def test_applying_the_proposal_writes_it(admin_client, quotas_2021, national_admin):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)
    proposal = queries.proposal_for(quotas_2021, total=184, floor=2, ceiling=10)
    expected = ",".join(f"{code}:{cap}" for code, cap in proposal.caps.items())

    response = admin_client.post(
        reverse("rounds:apply_proposal", args=[quotas_2021.pk]),
        {"total": "184", "floor": "2", "ceiling": "10", "expected": expected},
    )

    assert response.status_code == 302
    assert caps(quotas_2021) == proposal.caps
    assert Quota.objects.filter(round=quotas_2021).first().basis == (
        "按2020年底地理标志拥有量（产品+商标）比例分配，下限2、上限10"
    )
    assert AuditEvent.objects.filter(verb="quotas.apply_proposal").count() == 1


def test_applying_a_stale_proposal_shows_the_new_one(admin_client, quotas_2021, national_admin):
    services.import_holdings(quotas_2021, holdings_csv(), actor=national_admin)
    shown = queries.proposal_for(quotas_2021, total=184, floor=2, ceiling=10)
    expected = ",".join(f"{code}:{cap}" for code, cap in shown.caps.items())
    services.set_holdings(quotas_2021, {"46": (500, 500)}, actor=national_admin)
    before = caps(quotas_2021)

    response = admin_client.post(
        reverse("rounds:apply_proposal", args=[quotas_2021.pk]),
        {"total": "184", "floor": "2", "ceiling": "10", "expected": expected},
    )

    assert response.status_code == 200
    assert "生成本方案后地理标志拥有量已有变化" in text(response)
    assert caps(quotas_2021) == before


# --- extensions --------------------------------------------------------------------------------


def test_extension_is_granted_on_the_round_page(admin_client, round_2021, anhui):
    response = admin_client.post(
        reverse("rounds:grant_extension", args=[round_2021.pk]),
        {"province": anhui.pk, "until": "2021-09-22T17:00:00", "reason": "受台风影响，纸件无法按时寄出"},
    )

    assert response.status_code == 302
    extension = Extension.objects.get()
    assert extension.until == dt.datetime(2021, 9, 22, 9, 0, tzinfo=dt.UTC)
    page = text(admin_client.get(reverse("rounds:detail", args=[round_2021.pk])))
    assert "受台风影响，纸件无法按时寄出" in page
    assert "2021-09-22 17:00:00" in page


def test_extension_without_reason_is_refused(admin_client, round_2021, anhui):
    response = admin_client.post(
        reverse("rounds:grant_extension", args=[round_2021.pk]),
        {"province": anhui.pk, "until": "2021-09-22T17:00:00", "reason": ""},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert text(response).lstrip().startswith('<section id="extensions">')
    assert "请填写延期理由。" in text(response)
    assert not Extension.objects.exists()


def test_extension_before_the_deadline_is_refused(admin_client, round_2021, anhui):
    response = admin_client.post(
        reverse("rounds:grant_extension", args=[round_2021.pk]),
        {"province": anhui.pk, "until": "2021-09-10T17:00:00", "reason": "理由"},
    )

    assert "延期截止时间必须晚于本批次截止时间（2021-09-15 23:59）。" in text(response)
    assert not Extension.objects.exists()


def test_extension_granted_with_htmx_returns_the_updated_section(admin_client, round_2021, anhui):
    response = admin_client.post(
        reverse("rounds:grant_extension", args=[round_2021.pk]),
        {"province": anhui.pk, "until": "2021-09-22T17:00:00", "reason": "理由"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "2021-09-22 17:00:00" in text(response)
    assert "<html" not in text(response)
