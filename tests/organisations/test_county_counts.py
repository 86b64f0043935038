"""`with_county_counts` against a straightforward count, unit by unit.

The annotation finds a prefecture's counties by a range of codes (PPCC00..PPCC99) so that the
database can search its index; these tests hold it equal to the obvious per-unit count (a
prefecture: the designated county-level divisions whose code starts with its first four digits;
a county-level unit: itself; everybody else: None) on generated sets of divisions, with the
codes that make the rule hard: 济源 (419001, a county-level unit under Henan, whose code once
belonged to 义马), codes reused over time, prefecture-level divisions on a list by mistake,
兵团 and its divisions without codes, and units without a division.
"""

import datetime as dt
import random

import pytest
from django.db import connection

from dibiao.organisations.choices import CountyList, DivisionLevel, Kind, Level
from dibiao.organisations.models import CountyDesignation, Division, Organisation
from dibiao.organisations.queries import (
    COUNTY_LEVELS,
    PREFECTURE_LEVELS,
    divisions_in_force,
    with_county_counts,
)
from dibiao.organisations.services import add_xpcc_division, import_county_list
from tests.factories import CentreFactory, DepartmentFactory, NationalOfficeFactory, ProvinceFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MUNICIPALITIES = ("11", "12", "31", "50")


def per_unit(org: Organisation) -> tuple[int | None, ...]:
    """The obvious count, one query per list and unit."""
    if org.level in PREFECTURE_LEVELS and org.code:
        counties = CountyDesignation.objects.filter(
            division__level=DivisionLevel.COUNTY, division__code__startswith=org.code[:4]
        )
    elif org.level in COUNTY_LEVELS and org.division_id is not None:
        counties = CountyDesignation.objects.filter(division_id=org.division_id)
    else:
        return (None,) * len(CountyList)
    return tuple(counties.filter(list=county_list).count() for county_list in CountyList)


def annotated(orgs) -> dict[int, tuple[int | None, ...]]:
    return {
        org.pk: tuple(getattr(org, f"{county_list.value}_count") for county_list in CountyList)
        for org in with_county_counts(orgs)
    }


def assert_equal_to_the_per_unit_count():
    orgs = Organisation.objects.all()
    expected = {org.pk: per_unit(org) for org in orgs}
    assert annotated(orgs) == expected
    return expected


# --- a generated set -----------------------------------------------------------------------------


def division(code, name, level, *, valid_from=1980, valid_to=None):
    return Division.objects.create(
        code=code,
        name=name,
        level=level,
        province_name=f"{code[:2]}省",
        valid_from=valid_from,
        valid_to=valid_to,
    )


def unit(province, level, name, *, code="", div=None, active=True):
    return Organisation.objects.create(
        kind=Kind.IMPLEMENTING,
        level=level,
        name=name,
        code=code,
        division=div,
        province=province,
        parent=province,
        province_code=province.province_code,
        sort_key=code or name,
        is_active=active,
    )


def generate(seed: int) -> None:
    """Divisions of a few provinces (a municipality, Henan with 济源, two others), some
    county-level divisions of each on one list or both, and their organisations."""
    rng = random.Random(seed)
    NationalOfficeFactory()
    DepartmentFactory()
    CentreFactory()
    others = rng.sample([code for code in map(str, range(13, 66)) if code not in ("31", "41", "50")], 2)
    counties: list[Division] = []
    for province_code in ("11", "41", *others):
        province = ProvinceFactory(province_code=province_code)
        division(f"{province_code}0000", province.name, DivisionLevel.PROVINCE)
        if province_code in MUNICIPALITIES:
            # A municipality's districts and counties are units themselves, under PP01.
            for dd in sorted(rng.sample(range(1, 30), 8)):
                district = division(f"{province_code}01{dd:02d}", f"{dd}区", DivisionLevel.COUNTY)
                counties.append(district)
                if rng.random() < 0.8:
                    unit(province, Level.MUNICIPAL_DISTRICT, district.name, code=district.code, div=district)
            continue
        for cc in sorted(rng.sample(range(1, 30), 6)):
            prefecture = division(f"{province_code}{cc:02d}00", f"{cc}市", DivisionLevel.PREFECTURE)
            for dd in sorted(rng.sample(range(1, 99), rng.randint(0, 12))):
                county = division(f"{province_code}{cc:02d}{dd:02d}", f"{cc}市{dd}县", DivisionLevel.COUNTY)
                counties.append(county)
                if rng.random() < 0.2:  # the code was used before, by another county
                    old = division(
                        county.code, f"旧{county.name}", DivisionLevel.COUNTY, valid_from=1970, valid_to=1980
                    )
                    counties.append(old)
            if rng.random() < 0.9:
                unit(province, Level.PREFECTURE, prefecture.name, code=prefecture.code, div=prefecture)
        # County-level divisions directly under the province (PP90DD), each a unit itself.
        for dd in sorted(rng.sample(range(1, 20), 3)):
            direct = division(f"{province_code}90{dd:02d}", f"直辖{dd}市", DivisionLevel.COUNTY)
            counties.append(direct)
            unit(province, Level.DIRECT_COUNTY, direct.name, code=direct.code, div=direct)
    henan = ProvinceFactory(province_code="41")
    # 419001: 义马市 from 1987 to 1990, 济源市 since 1996; the unit is 济源市's.
    yima = division("419001", "义马市", DivisionLevel.COUNTY, valid_from=1987, valid_to=1990)
    jiyuan = division("419001", "济源市", DivisionLevel.COUNTY, valid_from=1996)
    counties += [yima, jiyuan]
    unit(henan, Level.DIRECT_COUNTY, "济源市", code="419001", div=jiyuan)
    # Units the rule gives no counties: a county-level unit without its division, a prefecture
    # without a code, an inactive prefecture (it still counts), 兵团 and two of its divisions.
    unit(henan, Level.DIRECT_COUNTY, "未关联区划的县级单位", code="419099")
    unit(henan, Level.PREFECTURE, "无代码的地级单位")
    inactive = division("419900", "旧地区", DivisionLevel.PREFECTURE, valid_to=1990)
    unit(henan, Level.PREFECTURE, "旧地区", code="419900", div=inactive, active=False)
    ProvinceFactory(province_code="66")
    add_xpcc_division("第一师知识产权局", actor=None)
    add_xpcc_division("第二师知识产权局", actor=None)

    poverty = [county for county in counties if rng.random() < 0.5]
    key_support = [county for county in poverty if rng.random() < 0.3] + [jiyuan]
    # A prefecture-level division on a list: not a county, so it counts for nobody.
    stray = Division.objects.filter(level=DivisionLevel.PREFECTURE).order_by("code").first()
    CountyDesignation.objects.bulk_create(
        [CountyDesignation(list=CountyList.POVERTY_ALLEVIATED, division=d) for d in {*poverty, stray}]
        + [CountyDesignation(list=CountyList.KEY_SUPPORT, division=d) for d in set(key_support)]
    )


@pytest.mark.parametrize("seed", range(6))
def test_the_counts_equal_a_count_unit_by_unit_on_a_generated_set(seed):
    generate(seed)

    expected = assert_equal_to_the_per_unit_count()

    # The set is not trivial: prefectures with counties on both lists, and 济源 on both.
    counted = [counts for counts in expected.values() if counts[0] is not None]
    assert sum(counts[0] for counts in counted) > 10
    assert any(counts[0] > 1 for counts in counted)
    jiyuan = Organisation.objects.get(name="济源市")
    assert expected[jiyuan.pk] == (
        int(jiyuan.division.designations.filter(list="poverty_alleviated").exists()),
        1,
    )
    for org in Organisation.objects.filter(level=Level.XPCC_DIVISION):
        assert expected[org.pk] == (None, None)
    for org in Organisation.objects.exclude(kind=Kind.IMPLEMENTING):
        assert expected[org.pk] == (None, None)


def test_jiyuan_counts_itself_only_and_not_the_old_yima():
    generate(0)
    jiyuan = Organisation.objects.get(name="济源市")
    yima = Division.objects.get(code="419001", valid_from=1987)
    CountyDesignation.objects.filter(division__code="419001").delete()
    CountyDesignation.objects.create(list=CountyList.POVERTY_ALLEVIATED, division=yima)

    assert annotated(Organisation.objects.filter(pk=jiyuan.pk)) == {jiyuan.pk: (0, 0)}

    CountyDesignation.objects.create(list=CountyList.KEY_SUPPORT, division=jiyuan.division)
    assert annotated(Organisation.objects.filter(pk=jiyuan.pk)) == {jiyuan.pk: (0, 1)}
    assert_equal_to_the_per_unit_count()


def test_one_query_for_any_number_of_units(django_assert_num_queries):
    generate(1)

    with django_assert_num_queries(1):
        rows = list(with_county_counts(Organisation.objects.all()))
    assert len(rows) > 40


# --- the real divisions ------------------------------------------------------------------------


def test_the_counts_equal_a_count_unit_by_unit_on_the_real_divisions(loaded, xpcc):
    """Beijing, Zhejiang, Anhui and part of Henan as the loader builds them, with every second
    county-level division in force on one list and every fifth on the other."""
    add_xpcc_division("第一师知识产权局", actor=None)
    in_force = list(
        divisions_in_force(dt.date(2020, 12, 31))
        .filter(level=DivisionLevel.COUNTY)
        .order_by("code")
        .values_list("code", flat=True)
    )
    import_county_list(
        CountyList.POVERTY_ALLEVIATED,
        data="\n".join(in_force[::2]).encode(),
        filename="a.csv",
        as_of=dt.date(2020, 12, 31),
    )
    import_county_list(
        CountyList.KEY_SUPPORT,
        data="\n".join([*in_force[::5], "419001"]).encode(),
        filename="b.csv",
        as_of=dt.date(2020, 12, 31),
    )

    expected = assert_equal_to_the_per_unit_count()

    assert sum(counts[0] or 0 for counts in expected.values()) > 50
    jiyuan = Organisation.objects.get(kind=Kind.IMPLEMENTING, code="419001")
    assert expected[jiyuan.pk][1] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan's words are SQLite's")
def test_a_prefecture_s_counties_are_searched_by_the_code_index(loaded):
    sql, params = with_county_counts(Organisation.objects.all()).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "USING INDEX organisations_division_code" in plan
    assert "(code>? AND code<?)" in plan
