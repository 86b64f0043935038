"""The full load of the real division data, and what the loader refuses."""

import csv
import datetime as dt
import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from dibiao.core.errors import ImportProblems
from dibiao.core.models import AuditEvent
from dibiao.organisations.choices import DivisionLevel, Kind, Level
from dibiao.organisations.models import Division, Organisation
from dibiao.organisations.queries import divisions_in_force
from dibiao.organisations.services import load_divisions
from tests.organisations.conftest import DIVISIONS_DIR, write_division_slice

pytestmark = pytest.mark.integration

END_2020 = dt.date(2020, 12, 31)


def quota_units():
    with (settings.DATA_DIR / "quota-2021.csv").open(encoding="utf-8") as handle:
        return {row["province_code"]: row["unit_name"] for row in csv.DictReader(handle)}


def active(**filters):
    return Organisation.objects.filter(is_active=True, **filters)


@pytest.mark.django_db
def test_load_2020_creates_every_organisation_of_the_end_2020_list():
    report = load_divisions(END_2020)

    assert Division.objects.count() == 6823
    in_force = divisions_in_force(END_2020)
    assert dict(in_force.values_list("level").annotate(n=Count("pk")).order_by()) == {
        DivisionLevel.PROVINCE: 34,
        DivisionLevel.PREFECTURE: 333,
        DivisionLevel.COUNTY: 2844,
    }
    assert in_force.filter(level=DivisionLevel.COUNTY, code__regex=r"^\d\d90\d\d$").count() == 30
    assert report.checked_against == "2020.txt"

    assert report.by_kind == {
        Kind.NATIONAL: 1,
        Kind.DEPARTMENT: 9,
        Kind.PROVINCIAL: 32,
        Kind.CENTRE: 2,
        Kind.IMPLEMENTING: 449,
    }
    assert report.by_level == {Level.PREFECTURE: 333, Level.DIRECT_COUNTY: 30, Level.MUNICIPAL_DISTRICT: 86}
    assert Organisation.objects.count() == 1 + 9 + 32 + 2 + 449

    national = Organisation.objects.get(kind=Kind.NATIONAL)
    assert national.name == "国家知识产权局"
    assert list(Organisation.objects.filter(kind=Kind.DEPARTMENT).values_list("name", "parent")) == [
        ("知识产权运用促进司", national.pk),
        ("办公室", national.pk),
        ("条法司", national.pk),
        ("战略规划司", national.pk),
        ("保护司", national.pk),
        ("公共服务司", national.pk),
        ("人事司", national.pk),
        ("国际合作司", national.pk),
        ("商标局", national.pk),
    ]

    provinces = Organisation.objects.filter(kind=Kind.PROVINCIAL)
    assert dict(provinces.values_list("province_code", "name")) == quota_units()
    assert provinces.get(province_code="63").name == "青海省知识产权管理机构"
    xpcc = provinces.get(province_code="66")
    assert (xpcc.name, xpcc.code, xpcc.division, xpcc.province_id) == (
        "新疆生产建设兵团知识产权局",
        "",
        None,
        xpcc.pk,
    )
    anhui = provinces.get(province_code="34")
    assert (anhui.code, anhui.division.name, anhui.province_id, anhui.parent_id) == (
        "340000",
        "安徽省",
        anhui.pk,
        national.pk,
    )

    centres = Organisation.objects.filter(kind=Kind.CENTRE).order_by("province_code")
    assert [(c.name, c.province_code, c.province.name, c.parent.name) for c in centres] == [
        ("广东省知识产权保护中心", "44", "广东省知识产权局", "广东省知识产权局"),
        ("四川省知识产权服务促进中心", "51", "四川省知识产权局", "四川省知识产权局"),
    ]

    hefei = Organisation.objects.get(kind=Kind.IMPLEMENTING, code="340100")
    assert (hefei.name, hefei.level, hefei.province_code, hefei.sort_key) == (
        "合肥市知识产权局",
        Level.PREFECTURE,
        "34",
        "340100",
    )
    assert (hefei.division.code, hefei.division.name, hefei.division.valid_from) == ("340100", "合肥市", 1981)
    assert hefei.parent_id == hefei.province_id == anhui.pk

    direct = active(level=Level.DIRECT_COUNTY)
    assert dict(direct.values_list("province_code").annotate(n=Count("pk")).order_by()) == {
        "41": 1,
        "42": 4,
        "46": 15,
        "65": 10,
    }
    assert direct.get(code="419001").name == "济源市知识产权局"
    municipal = active(level=Level.MUNICIPAL_DISTRICT)
    assert dict(municipal.values_list("province_code").annotate(n=Count("pk")).order_by()) == {
        "11": 16,
        "12": 16,
        "31": 16,
        "50": 38,
    }
    # 兵团's cities stay divisions of 新疆; 兵团 has no implementing unit until one is added.
    assert active(code="659001").get().province.name == "新疆维吾尔自治区知识产权局"
    assert not active(kind=Kind.IMPLEMENTING, province=xpcc).exists()
    # Taiwan, Hong Kong and Macao are divisions in force but have no provincial unit.
    assert not Organisation.objects.filter(code__regex=r"^(71|81|82)").exists()


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_says_so():
    first = StringIO()
    call_command("load_divisions", "--as-of", "2020-12-31", stdout=first)
    before = list(Organisation.objects.values_list("pk", "name", "parent", "province", "is_active"))
    events = AuditEvent.objects.count()

    second = StringIO()
    call_command("load_divisions", "--as-of", "2020-12-31", stdout=second)

    assert list(Organisation.objects.values_list("pk", "name", "parent", "province", "is_active")) == before
    assert AuditEvent.objects.count() == events
    output = second.getvalue()
    assert "6823 行，新建 0 行，更新 0 行" in output
    assert "新建 0 个，更新 0 个，停用 0 个" in output
    assert "没有变化" in output
    assert "没有变化" not in first.getvalue()
    # The table: one line per provincial unit, with its units per level, and the totals.
    assert any(
        line.split() == ["34", "安徽省知识产权局", "16", "0", "0", "0", "16"] for line in output.splitlines()
    )
    assert any(
        line.split() == ["50", "重庆市知识产权局", "0", "0", "38", "0", "38"] for line in output.splitlines()
    )
    assert any(line.split() == ["合计", "333", "30", "86", "0", "449"] for line in output.splitlines())


@pytest.mark.django_db
def test_the_end_2024_list_adds_the_new_units_and_keeps_the_old_ones():
    load_divisions(END_2020)
    hefei = Organisation.objects.get(code="340100")
    last_pk = Organisation.objects.order_by("pk").last().pk

    report = load_divisions(dt.date(2024, 12, 31))

    assert report.checked_against == "2024.txt"
    assert (report.organisations_created, report.organisations_deactivated) == (2, 0)
    assert report.by_level == {Level.PREFECTURE: 333, Level.DIRECT_COUNTY: 32, Level.MUNICIPAL_DISTRICT: 86}
    new = Organisation.objects.filter(pk__gt=last_pk)
    assert sorted(new.values_list("code", "name", "level")) == [
        ("659011", "新星市知识产权局", Level.DIRECT_COUNTY),
        ("659012", "白杨市知识产权局", Level.DIRECT_COUNTY),
    ]
    assert Organisation.objects.get(code="340100") == hefei


@pytest.mark.django_db
def test_a_date_before_year_end_uses_the_previous_year_list(division_slice):
    report = load_divisions(dt.date(2021, 9, 15), divisions_dir=division_slice)

    assert report.year == 2020
    assert Organisation.objects.filter(code="419001", is_active=True).get().name == "济源市知识产权局"


@pytest.mark.django_db
def test_a_history_that_disagrees_with_the_year_list_is_refused_and_nothing_is_written(tmp_path):
    directory = write_division_slice(tmp_path / "divisions", ("34",))
    shutil.copy(DIVISIONS_DIR / "2020.txt", directory / "2020.txt")

    with pytest.raises(ImportProblems) as refused:
        load_divisions(END_2020, divisions_dir=directory)

    assert "110000 北京市" in refused.value.problems
    assert Division.objects.count() == 0
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_a_malformed_row_is_named_and_nothing_is_written(tmp_path):
    directory = write_division_slice(tmp_path / "divisions", ("34",))
    with (directory / "result.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("34999,安徽省,合肥市,某县,县级,在用,2020,,\n")

    with pytest.raises(CommandError) as refused:
        call_command("load_divisions", "--data-dir", str(directory), stdout=StringIO())

    assert "第 260 行" in str(refused.value)
    assert Division.objects.count() == 0
