"""The organisation pages: who sees what, filters, paging, and the two administrator pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dibiao.organisations.choices import CountyList, Kind, Level
from dibiao.organisations.models import CountyDesignation, Organisation
from dibiao.organisations.services import add_xpcc_division, import_county_list
from tests.conftest import login
from tests.organisations.conftest import unit

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LIST = reverse("organisations:list")
COUNTY_LISTS = reverse("organisations:county_lists")
ADD_XPCC = reverse("organisations:add_xpcc_division")


def detail(org):
    return reverse("organisations:detail", args=[org.pk])


def rows(response):
    return [(org.code, org.name) for org in response.context["page_obj"]]


@pytest.fixture
def designated(loaded):
    import_county_list(
        CountyList.POVERTY_ALLEVIATED, data=b"340121\n340123\n341122\n110101\n", filename="a.csv"
    )
    import_county_list(CountyList.KEY_SUPPORT, data=b"340123\n", filename="b.csv")


def test_the_national_administrator_sees_every_organisation_with_county_counts(
    client, national_admin, designated
):
    response = login(client, national_admin).get(LIST)

    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.paginator.count == Organisation.objects.count()
    assert len(page.object_list) == 50
    assert rows(response)[:3] == [("", "国家知识产权局"), ("", "知识产权运用促进司"), ("", "办公室")]
    html = response.content.decode()
    assert "脱贫县" in html
    assert "重点帮扶县" in html

    hefei = login(client, national_admin).get(LIST, {"q": "合肥"})
    assert rows(hefei) == [("340100", "合肥市知识产权局")]
    assert [(o.poverty_alleviated_count, o.key_support_count) for o in hefei.context["page_obj"]] == [(2, 1)]
    assert '<td class="num">2</td>' in hefei.content.decode()


def test_the_list_filters_by_province_kind_and_code(client, national_admin, anhui, loaded):
    login(client, national_admin)

    anhui_units = client.get(LIST, {"province": anhui.pk, "kind": Kind.IMPLEMENTING})
    assert len(rows(anhui_units)) == 16
    assert rows(anhui_units)[0] == ("340100", "合肥市知识产权局")
    assert {org.province_id for org in anhui_units.context["page_obj"]} == {anhui.pk}

    by_code = client.get(LIST, {"q": "3411"})
    assert rows(by_code) == [("341100", "滁州市知识产权局")]

    provinces = client.get(LIST, {"kind": Kind.PROVINCIAL})
    assert len(rows(provinces)) == 32


def test_the_list_pages_by_fifty_and_keeps_the_filters(client, national_admin, loaded):
    login(client, national_admin)
    total = Organisation.objects.count()

    second = client.get(LIST, {"kind": "", "page": 2})

    assert [org.pk for org in second.context["page_obj"]] == list(
        Organisation.objects.order_by("sort_key", "name").values_list("pk", flat=True)[50:100]
    )
    assert f"共 {total} 条" in second.content.decode()
    assert '<a href="?kind=&amp;page=1" rel="prev">上一页</a>' in second.content.decode()


@pytest.mark.usefixtures("cold_pages")
def test_the_list_costs_the_same_queries_for_one_row_and_thirty(client, national_admin, designated):
    login(client, national_admin)
    client.get(LIST)  # warm up the session

    with CaptureQueriesContext(connection) as one:
        response = client.get(LIST, {"kind": Kind.IMPLEMENTING, "q": "合肥"})
    assert len(response.context["page_obj"].object_list) == 1

    with CaptureQueriesContext(connection) as thirty:
        response = client.get(LIST, {"kind": Kind.IMPLEMENTING})
    assert len(response.context["page_obj"].object_list) >= 30

    assert len(one) == len(thirty)


def test_htmx_gets_only_the_results(client, national_admin, loaded):
    response = login(client, national_admin).get(LIST, {"q": "合肥"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "合肥市知识产权局" in html
    assert "<html" not in html


def test_a_provincial_officer_sees_only_its_province(client, zhejiang_officer, zhejiang, hefei):
    response = login(client, zhejiang_officer).get(LIST)

    listed = response.context["page_obj"].object_list
    assert {org.province_id for org in listed} == {zhejiang.pk}
    assert len(listed) == 1 + 11
    assert "合肥市知识产权局" not in response.content.decode()
    assert list(response.context["form"].fields["province"].queryset) == [zhejiang]


def test_another_province_unit_is_not_found(client, zhejiang_officer, hefei, hangzhou):
    login(client, zhejiang_officer)

    assert client.get(detail(hefei)).status_code == 404
    assert client.get(detail(hangzhou)).status_code == 200


def test_an_implementing_officer_sees_only_its_own_unit(client, hefei_officer, hefei, anhui):
    login(client, hefei_officer)

    assert rows(client.get(LIST)) == [("340100", "合肥市知识产权局")]
    assert client.get(detail(hefei)).status_code == 200
    assert client.get(detail(anhui)).status_code == 404
    assert client.get(detail(unit("341100"))).status_code == 404


def test_the_detail_shows_the_unit_its_parent_and_its_counties_on_each_list(
    client, anhui_officer, designated
):
    response = login(client, anhui_officer).get(detail(unit("340100")))

    html = response.content.decode()
    assert "合肥市知识产权局" in html
    assert "安徽省知识产权局" in html
    assert "地级行政区" in html
    assert "1981年启用，现行有效" in html
    assert "所辖县（市、区）中有 2 个列入本名单：" in html
    assert "340121 长丰县" in html
    assert "340123 肥西县" in html
    assert "所辖县（市、区）中有 1 个列入本名单：" in html
    assert [(c.label, [d.code for d in ds]) for c, ds in response.context["counties"]] == [
        ("脱贫县", ["340121", "340123"]),
        ("国家乡村振兴重点帮扶县", ["340123"]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, loaded, hefei):
    for url in (LIST, detail(hefei), ADD_XPCC, COUNTY_LISTS):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


# --- 兵团's divisions -------------------------------------------------------------------------


def test_the_administrator_adds_a_division_of_xpcc(client, national_admin, xpcc):
    login(client, national_admin)
    assert client.get(ADD_XPCC).status_code == 200

    response = client.post(ADD_XPCC, {"name": " 第一师知识产权局 "})

    assert response.status_code == 302
    assert response.url == detail(xpcc)
    added = Organisation.objects.get(level=Level.XPCC_DIVISION)
    assert (added.name, added.kind, added.code, added.division, added.province_code) == (
        "第一师知识产权局",
        Kind.IMPLEMENTING,
        "",
        None,
        "66",
    )
    assert added.parent_id == added.province_id == xpcc.pk
    page = client.get(detail(xpcc)).content.decode()
    assert "已添加第一师知识产权局。" in page
    assert "第一师知识产权局" in page


def test_a_second_division_with_the_same_name_is_refused(client, national_admin, xpcc):
    add_xpcc_division("第一师知识产权局", actor=national_admin)

    response = login(client, national_admin).post(ADD_XPCC, {"name": "第一师知识产权局"})

    assert response.status_code == 200
    assert "兵团已有名为“第一师知识产权局”的单位。" in response.content.decode()
    assert Organisation.objects.filter(level=Level.XPCC_DIVISION).count() == 1


def test_divisions_of_xpcc_sort_in_the_order_they_were_added(national_admin, xpcc):
    for name in ("第一师知识产权局", "第二师知识产权局", "第十师知识产权局"):
        add_xpcc_division(name, actor=national_admin)

    assert list(xpcc.members.filter(level=Level.XPCC_DIVISION).values_list("sort_key", "name")) == [
        ("660001", "第一师知识产权局"),
        ("660002", "第二师知识产权局"),
        ("660003", "第十师知识产权局"),
    ]


@pytest.mark.parametrize("officer", ["anhui_officer", "hefei_officer"])
def test_only_the_administrator_may_add_a_division_of_xpcc(client, request, officer, xpcc):
    login(client, request.getfixturevalue(officer))

    assert client.get(ADD_XPCC).status_code == 403
    assert client.post(ADD_XPCC, {"name": "第一师知识产权局"}).status_code == 403
    assert not Organisation.objects.filter(level=Level.XPCC_DIVISION).exists()


# --- county lists -----------------------------------------------------------------------------


def test_the_administrator_imports_a_county_list(client, national_admin, loaded):
    login(client, national_admin)
    assert client.get(COUNTY_LISTS).status_code == 200
    upload = SimpleUploadedFile("脱贫县.csv", "代码\n340121\n341122\n".encode())

    response = client.post(
        COUNTY_LISTS, {"county_list": "poverty_alleviated", "file": upload, "as_of": "2020-12-31"}
    )

    assert response.status_code == 302
    assert CountyDesignation.objects.filter(list="poverty_alleviated").count() == 2
    page = client.get(COUNTY_LISTS).content.decode()
    assert "脱贫县已导入，共 2 个县（新增 2 个，移除 0 个）。" in page


def test_an_import_with_unknown_codes_shows_each_row_and_changes_nothing(client, national_admin, designated):
    before = list(CountyDesignation.objects.values_list("pk", flat=True))
    upload = SimpleUploadedFile("脱贫县.csv", b"340121\n123456\n")

    response = login(client, national_admin).post(
        COUNTY_LISTS, {"county_list": "poverty_alleviated", "file": upload, "as_of": "2020-12-31"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "第 2 行：123456 不是2020年12月31日有效的县级行政区划代码。" in html
    assert "名单未导入，数据未作任何改动。" in html
    assert list(CountyDesignation.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize("officer", ["anhui_officer", "hefei_officer"])
def test_only_the_administrator_may_import_county_lists(client, request, officer, loaded):
    login(client, request.getfixturevalue(officer))
    upload = SimpleUploadedFile("a.csv", b"340121\n")

    assert client.get(COUNTY_LISTS).status_code == 403
    response = client.post(
        COUNTY_LISTS, {"county_list": "poverty_alleviated", "file": upload, "as_of": "2020-12-31"}
    )
    assert response.status_code == 403
    assert not CountyDesignation.objects.exists()


def test_pages_render_in_english_too(client, national_admin, xpcc, designated):
    client.cookies["django_language"] = "en"
    login(client, national_admin)
    for url in (LIST, detail(unit("340100")), detail(xpcc), ADD_XPCC, COUNTY_LISTS):
        assert client.get(url).status_code == 200
    assert "Poverty-alleviated counties" in client.get(LIST).content.decode()
    assert "Add a division of 兵团" in client.get(detail(xpcc)).content.decode()
