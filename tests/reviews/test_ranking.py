"""The ranking's arithmetic, order, filters and query count (reviews/ranking.py)."""

from decimal import Decimal

import pytest

from dibiao.organisations.choices import CountyList
from dibiao.recommendations.choices import State
from dibiao.reviews import ranking
from dibiao.reviews.models import Decision
from dibiao.reviews.ranking import Filters, RankingRow, Review
from tests.factories import ImplementingUnitFactory
from tests.reviews.ranking_data import make_expert, make_project, mark_poverty_alleviated, review


def _row(pk, totals, *, province="34", state=State.REVIEWED, drafts=()):
    reviews = [Review(f"专家{index}", Decimal(str(total)), True) for index, total in enumerate(totals)]
    reviews += [Review("草稿专家", Decimal(str(total)), False) for total in drafts]
    return RankingRow(
        pk=pk,
        number=f"2021-{province}-{pk:02d}",
        project_name=f"项目{pk}",
        state=state,
        province_id=int(province),
        province_name=f"{province}省",
        province_code=province,
        province_sort=province,
        unit_id=pk,
        unit_name=f"单位{pk}",
        reviews=reviews,
        decision=None,
    )


def _ranked(rows):
    for row in rows:
        ranking.compute_statistics(row)
    ranking.assign_ranks(rows)
    return rows


# --- arithmetic ----------------------------------------------------------------------------------


@pytest.mark.unit
def test_mean_spread_and_standard_deviation_of_submitted_totals():
    (row,) = _ranked([_row(1, [90, 80, 85])])

    assert (row.mean, row.spread, row.stdev) == (Decimal("85.00"), Decimal("10.0"), Decimal("4.08"))
    assert row.mean_exact == Decimal(85)


@pytest.mark.unit
def test_drafts_do_not_count():
    (row,) = _ranked([_row(1, [70, 72], drafts=[99])])

    assert (row.mean, row.spread, row.stdev) == (Decimal("71.00"), Decimal("2.0"), Decimal("1.00"))
    assert (row.submitted_count, row.assigned_count) == (2, 3)


@pytest.mark.unit
def test_a_project_without_submitted_totals_has_no_statistics_and_no_rank():
    (row,) = _ranked([_row(1, [], drafts=[88])])

    assert (row.mean, row.spread, row.stdev, row.rank) == (None, None, None, None)


@pytest.mark.unit
def test_equal_means_share_a_rank_and_the_next_rank_skips():
    rows = _ranked(
        [
            _row(1, [90, 80, 85]),  # 85
            _row(2, [85, 85, 85]),  # 85
            _row(3, [92.5, 91, 90]),  # 91.17
            _row(4, [70, 72]),  # 71
            _row(5, []),
        ]
    )

    assert {row.pk: row.rank for row in rows} == {1: 2, 2: 2, 3: 1, 4: 4, 5: None}
    assert rows[2].mean == Decimal("91.17")


@pytest.mark.unit
def test_means_equal_only_when_rounded_do_not_share_a_rank():
    # 256/3 = 85.333… and 85.33 both show as 85.33, but they are not equal.
    rows = _ranked([_row(1, [85.3, 85.4, 85.3]), _row(2, [85.33])])

    assert [row.mean for row in rows] == [Decimal("85.33"), Decimal("85.33")]
    assert {row.pk: row.rank for row in rows} == {1: 1, 2: 2}


# --- order and filters ---------------------------------------------------------------------------


def _sample():
    return _ranked(
        [
            _row(1, [90, 80, 85], province="37"),  # 85, spread 10, rank 2
            _row(2, [85, 85, 85], province="33"),  # 85, spread 0, rank 2
            _row(3, [92.5, 91, 90], province="37", state=State.IN_REVIEW),  # 91.17, spread 2.5, rank 1
            _row(4, [70, 72], province="34"),  # 71, spread 2, rank 4
            _row(5, [], province="33", state=State.RECEIVED),
        ]
    )


def _order(rows, **query):
    return [row.pk for row in ranking.apply(rows, Filters.from_query(query))]


@pytest.mark.unit
def test_sorted_by_rank_by_default_unranked_last():
    assert _order(_sample()) == [3, 2, 1, 4, 5]  # tie broken by province order


@pytest.mark.unit
def test_sorted_by_rank_reversed():
    assert _order(_sample(), sort="-rank") == [4, 1, 2, 3, 5]


@pytest.mark.unit
def test_sorted_by_province_then_rank():
    assert _order(_sample(), sort="province") == [2, 5, 4, 3, 1]


@pytest.mark.unit
def test_sorted_by_mean_highest_first_and_reversed():
    assert _order(_sample(), sort="mean") == [3, 2, 1, 4, 5]
    assert _order(_sample(), sort="-mean") == [4, 1, 2, 3, 5]


@pytest.mark.unit
def test_sorted_by_spread_widest_first():
    assert _order(_sample(), sort="spread") == [1, 3, 4, 2, 5]


@pytest.mark.unit
def test_unknown_sort_falls_back_to_rank():
    assert _order(_sample(), sort="-name; drop table") == [3, 2, 1, 4, 5]


@pytest.mark.unit
def test_filtered_by_province_and_state_ranks_stay_those_of_the_round():
    rows = ranking.apply(_sample(), Filters.from_query({"province": "37"}))
    assert [(row.pk, row.rank) for row in rows] == [(3, 1), (1, 2)]
    assert _order(_sample(), state="received") == [5]
    assert _order(_sample(), state="nonsense") == [3, 2, 1, 4, 5]


@pytest.mark.unit
def test_filtered_by_priority_flag():
    rows = _sample()
    rows[0].poverty_alleviated_count = 2
    rows[3].key_support_count = 1

    assert _order(rows, priority="1") == [1, 4]
    assert _order(rows, priority="0") == [3, 2, 5]


# --- from the database ---------------------------------------------------------------------------


@pytest.fixture
def round_in_review(round_2021):
    return round_2021


@pytest.mark.django_db
def test_ranking_rows_from_the_database(round_in_review, anhui, zhejiang, national_admin):
    hefei = ImplementingUnitFactory(province=anhui, code="340100", name="合肥市局")
    hangzhou = ImplementingUnitFactory(province=zhejiang, code="330100", name="杭州市局")
    mark_poverty_alleviated(hefei)
    experts = [make_expert(name) for name in ("王评审", "李评审", "赵评审")]
    first = make_project(round_in_review, hefei, name="砀山酥梨项目")
    second = make_project(round_in_review, hangzhou, name="西湖龙井项目", state=State.IN_REVIEW)
    for expert, total in zip(experts, (90, 80, 85), strict=True):
        review(first, expert, total, by=national_admin)
    review(second, experts[0], 95, by=national_admin)
    review(second, experts[1], 60, by=national_admin, submitted=False)
    make_project(round_in_review, hefei, state=State.SUBMITTED)  # not at CNIPA: not ranked
    Decision.objects.create(recommendation=first, is_selected=True, decided_by=national_admin)

    rows = ranking.ranking_rows(round_in_review)

    assert [
        (row.project_name, row.rank, row.mean, row.submitted_count, row.assigned_count, row.is_priority)
        for row in rows
    ] == [
        ("西湖龙井项目", 1, Decimal("95.00"), 1, 2, False),
        ("砀山酥梨项目", 2, Decimal("85.00"), 3, 3, True),
    ]
    assert [(review.expert, review.total) for review in rows[1].reviews] == [
        ("王评审", Decimal("90.0")),
        ("李评审", Decimal("80.0")),
        ("赵评审", Decimal("85.0")),
    ]
    assert rows[0].reviews[1] == Review("李评审", None, False)
    assert (rows[0].decision, rows[1].decision) == (None, True)
    assert (rows[0].province_name, rows[1].unit_name) == ("浙江省知识产权局", "合肥市局")


@pytest.mark.django_db
def test_key_support_county_also_flags_priority(round_in_review, anhui):
    unit = ImplementingUnitFactory(province=anhui, code="341300", name="宿州市局")
    mark_poverty_alleviated(unit, CountyList.KEY_SUPPORT)
    make_project(round_in_review, unit)

    (row,) = ranking.ranking_rows(round_in_review)

    assert (row.poverty_alleviated_count, row.key_support_count, row.is_priority) == (0, 1, True)


def _round_of(round, units, national_admin, projects, experts):
    pool = [make_expert(f"专家{index}", username=f"e{index}") for index in range(experts)]
    for index in range(projects):
        rec = make_project(round, units[index % len(units)])
        for offset in range(3):
            review(rec, pool[(index + offset) % experts], 60 + (index * 7 + offset) % 40, by=national_admin)


@pytest.mark.usefixtures("cold_pages")
@pytest.mark.django_db
@pytest.mark.parametrize(("projects", "experts"), [(3, 3), (30, 9)])
def test_ranking_rows_take_three_queries_whatever_the_size(
    round_in_review, anhui, zhejiang, national_admin, django_assert_num_queries, projects, experts
):
    units = [
        ImplementingUnitFactory(province=anhui, code="340100"),
        ImplementingUnitFactory(province=zhejiang, code="330100"),
    ]
    _round_of(round_in_review, units, national_admin, projects, experts)
    ranking.ranking_rows(round_in_review)  # the process reads the county lists once

    with django_assert_num_queries(3):
        rows = ranking.ranking_rows(round_in_review)

    assert len(rows) == projects
    assert all(row.submitted_count == 3 for row in rows)


@pytest.mark.django_db
def test_county_counts_equal_those_of_the_organisations_queries(anhui):
    from dibiao.organisations.choices import DivisionLevel, Level
    from dibiao.organisations.models import CountyDesignation, Division, Organisation
    from dibiao.organisations.queries import with_county_counts

    def county(code, *, lists=(), level=DivisionLevel.COUNTY):
        division = Division.objects.create(
            code=code, name=f"县{code}", level=level, province_name="安徽省", valid_from=1980
        )
        for county_list in lists:
            CountyDesignation.objects.create(list=county_list, division=division)
        return division

    poverty, key_support = CountyList.POVERTY_ALLEVIATED, CountyList.KEY_SUPPORT
    county("341321", lists=[poverty, key_support])
    county("341322", lists=[poverty])
    county("341323")
    county("341300", lists=[poverty], level=DivisionLevel.PREFECTURE)  # not a county: not counted
    county("341221", lists=[key_support])  # another prefecture
    lone = county("341881", lists=[poverty])
    units = [
        ImplementingUnitFactory(province=anhui, code="341300", level=Level.PREFECTURE),
        ImplementingUnitFactory(province=anhui, code="341200", level=Level.PREFECTURE),
        ImplementingUnitFactory(province=anhui, code="340100", level=Level.PREFECTURE),
        ImplementingUnitFactory(province=anhui, code="341881", level=Level.DIRECT_COUNTY, division=lone),
        ImplementingUnitFactory(province=anhui, code="", level=Level.XPCC_DIVISION),
    ]
    expected = {
        unit.pk: (unit.poverty_alleviated_count or 0, unit.key_support_count or 0)
        for unit in with_county_counts(Organisation.objects.filter(pk__in=[unit.pk for unit in units]))
    }

    counted = ranking.county_counts_of(
        ranking.Unit(unit.pk, unit.level, unit.code, unit.division_id) for unit in units
    )

    assert counted == expected
    assert [counted[unit.pk] for unit in units] == [(2, 1), (0, 1), (0, 0), (1, 0), (0, 0)]


@pytest.mark.django_db
def test_county_lists_are_read_again_when_they_change(round_in_review, anhui):
    unit = ImplementingUnitFactory(province=anhui, code="341300", name="宿州市局")
    make_project(round_in_review, unit)
    assert ranking.ranking_rows(round_in_review)[0].is_priority is False

    mark_poverty_alleviated(unit)

    assert ranking.ranking_rows(round_in_review)[0].is_priority is True
