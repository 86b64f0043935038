"""Codes are reused: an organisation's history follows its Division row, never the code alone."""

import datetime as dt

import pytest

from dibiao.organisations.choices import Kind, Level
from dibiao.organisations.models import Division, Organisation
from dibiao.organisations.queries import divisions_in_force, list_year
from dibiao.organisations.services import load_divisions
from tests.factories import ImplementingUnitFactory, ProvinceFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_419001_was_yima_before_jiyuan_and_each_keeps_its_own_organisation(division_slice):
    load_divisions(dt.date(1989, 12, 31), divisions_dir=division_slice)
    yima = Organisation.objects.get(kind=Kind.IMPLEMENTING, code="419001")
    assert (yima.name, yima.level, yima.division.name, yima.division.valid_from, yima.division.valid_to) == (
        "义马市知识产权局",
        Level.DIRECT_COUNTY,
        "义马市",
        1987,
        1990,
    )

    load_divisions(dt.date(2020, 12, 31), divisions_dir=division_slice)

    jiyuan = Organisation.objects.get(kind=Kind.IMPLEMENTING, code="419001", is_active=True)
    assert (jiyuan.name, jiyuan.division.name, jiyuan.division.valid_from, jiyuan.division.valid_to) == (
        "济源市知识产权局",
        "济源市",
        1996,
        None,
    )
    assert jiyuan.pk != yima.pk
    yima.refresh_from_db()
    # 义马 keeps its name, its code of the time and its division row; it is no longer in force.
    assert (yima.name, yima.code, yima.division.name, yima.is_active) == (
        "义马市知识产权局",
        "419001",
        "义马市",
        False,
    )
    # 义马市 itself went under 三门峡市 as 411281: a county now, not an implementing unit.
    assert divisions_in_force(dt.date(2020, 12, 31)).get(code="411281").name == "义马市"
    assert not Organisation.objects.filter(code="411281").exists()
    assert list(Division.objects.filter(code="419001").values_list("name", flat=True)) == ["义马市", "济源市"]


def test_loading_again_keeps_a_name_the_administrator_gave(loaded, division_slice):
    hefei = Organisation.objects.get(code="340100")
    hefei.name = "合肥市市场监督管理局（知识产权局）"
    hefei.save(update_fields=["name"])

    report = load_divisions(dt.date(2020, 12, 31), divisions_dir=division_slice)

    assert not report.changed
    hefei.refresh_from_db()
    assert hefei.name == "合肥市市场监督管理局（知识产权局）"


def test_a_changed_row_is_updated_in_place(loaded, division_slice):
    changjiang = Division.objects.get(code="340121", valid_from=1981)
    changjiang.name = "长丰"
    changjiang.save(update_fields=["name"])

    report = load_divisions(dt.date(2020, 12, 31), divisions_dir=division_slice)

    assert (report.divisions_created, report.divisions_updated) == (0, 1)
    assert Division.objects.get(code="340121", valid_from=1981).name == "长丰县"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("as_of", "year"),
    [
        (dt.date(2020, 12, 31), 2020),
        (dt.date(2021, 1, 1), 2020),
        (dt.date(2021, 9, 15), 2020),
        (dt.date(2021, 12, 31), 2021),
    ],
)
def test_a_day_is_governed_by_the_last_year_end_list(as_of, year):
    assert list_year(as_of) == year


def test_a_unit_entered_without_a_division_is_left_alone(division_slice):
    anhui = ProvinceFactory(province_code="34")
    by_hand = ImplementingUnitFactory(
        province=anhui, code="340100", name="合肥市市场监督管理局（知识产权局）"
    )

    load_divisions(dt.date(2020, 12, 31), divisions_dir=division_slice)

    by_hand.refresh_from_db()
    assert (by_hand.is_active, by_hand.name, by_hand.division) == (
        True,
        "合肥市市场监督管理局（知识产权局）",
        None,
    )
    # The provincial unit made by hand is the one the loader brings up to date.
    anhui.refresh_from_db()
    assert (anhui.name, anhui.division.code) == ("安徽省知识产权局", "340000")
    assert Organisation.objects.filter(kind=Kind.PROVINCIAL, province_code="34").count() == 1
