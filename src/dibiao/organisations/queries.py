"""Reusable querysets and annotations for divisions, organisations and the county lists.

Every function here runs a fixed number of queries, whatever the number of rows behind it.
"""

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Substr

from dibiao.organisations.choices import CountyList, DivisionLevel, Level
from dibiao.organisations.models import CountyDesignation, Division, Organisation

# The 2021 round uses the list in force at the end of 2020 (DOMAIN §1).
DIVISIONS_AS_OF = dt.date(2020, 12, 31)

# Implementing units whose counties are the county-level divisions under their code's first
# four digits, and those that are a county-level division themselves.
PREFECTURE_LEVELS = (Level.PREFECTURE,)
COUNTY_LEVELS = (Level.DIRECT_COUNTY, Level.MUNICIPAL_DISTRICT)


def list_year(as_of: dt.date) -> int:
    """The year whose list is in force on `as_of`.

    The Ministry's lists give the divisions as they stood on 31 December of each year, and
    `Division.valid_from`/`valid_to` are years of those lists; a day before 31 December is
    therefore governed by the previous year's list.
    """
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def divisions_in_force(as_of: dt.date) -> QuerySet[Division]:
    """The divisions of the list in force on `as_of`: in the lists from `valid_from` up to,
    not including, `valid_to`."""
    year = list_year(as_of)
    return Division.objects.filter(valid_from__lte=year).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=year)
    )


def search_organisations(
    orgs: QuerySet[Organisation],
    *,
    q: str = "",
    province: Organisation | None = None,
    kind: str = "",
) -> QuerySet[Organisation]:
    """Narrow `orgs` (already scoped to what the user may see) by the list page's filters."""
    if province is not None:
        orgs = orgs.filter(Q(province=province) | Q(pk=province.pk))
    if kind:
        orgs = orgs.filter(kind=kind)
    q = q.strip()
    if q:
        orgs = orgs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return orgs


def _count(rows: QuerySet[Any]) -> Coalesce:
    """How many `rows` there are, as a subquery of the outer row: COUNT without GROUP BY."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _designated_in_prefecture(county_list: str) -> QuerySet[Division]:
    """The county-level divisions on `county_list` under the outer organisation's code's
    first four digits (PPCC): the codes from PPCC00 to PPCC99.

    GB/T 2260 codes are six digits (the loader stores no other), so the range holds exactly
    the codes that start with PPCC. Unlike a LIKE on a pattern made from the outer row, a range
    is a search of the index on `Division.code`. Being on the list is an EXISTS rather than a
    join, so that SQLite, without statistics, still starts from that search and looks each
    division up in the (list, division) index, instead of reading the whole list for every
    row; PostgreSQL makes it a semi-join.
    """
    prefix = Substr(OuterRef("code"), 1, 4)
    return Division.objects.filter(
        Exists(CountyDesignation.objects.filter(list=county_list, division_id=OuterRef("pk"))),
        level=DivisionLevel.COUNTY,
        code__gte=Concat(prefix, Value("00"), output_field=CharField()),
        code__lte=Concat(prefix, Value("99"), output_field=CharField()),
    )


def with_county_counts(orgs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Annotate each organisation with `<list>_count` for every `CountyList`
    (`poverty_alleviated_count`, `key_support_count`): how many of its counties are on the list.

    A prefecture counts the designated county-level divisions whose code starts with its own
    first four digits (a range of codes, see `_designated_in_prefecture`); a county-level unit
    under a province or a municipal district counts itself. Other organisations get None.
    One query, with a subquery per list that finds a prefecture's counties by a search of the
    code index: a page of rows costs one query whatever its length, and a row the work of its
    own few counties, not of the whole list.
    """
    annotations = {}
    for county_list in CountyList:
        itself = CountyDesignation.objects.filter(list=county_list, division_id=OuterRef("division_id"))
        annotations[f"{county_list.value}_count"] = Case(
            When(
                Q(level__in=PREFECTURE_LEVELS) & ~Q(code=""),
                then=_count(_designated_in_prefecture(county_list)),
            ),
            When(level__in=COUNTY_LEVELS, division__isnull=False, then=_count(itself)),
            default=None,
            output_field=IntegerField(),
        )
    return orgs.annotate(**annotations)


def _counties_of(org: Organisation) -> Q | None:
    """The condition on `Division` that selects `org`'s counties, or None if it has none."""
    if org.level in PREFECTURE_LEVELS and len(org.code) == 6:
        return Q(level=DivisionLevel.COUNTY, code__startswith=org.code[:4])
    if org.level in COUNTY_LEVELS and org.division_id is not None:
        return Q(pk=org.division_id)
    return None


def designated_counties(org: Organisation, county_list: str) -> QuerySet[Division]:
    """`org`'s counties that are on `county_list`, by code."""
    counties = _counties_of(org)
    if counties is None:
        return Division.objects.none()
    return Division.objects.filter(counties, designations__list=county_list).order_by("code")


def county_counts(org: Organisation) -> dict[str, int]:
    """How many of `org`'s counties are on each list, keyed by the list's value; one query."""
    counties = _counties_of(org)
    if counties is None:
        return {county_list.value: 0 for county_list in CountyList}
    counted = Division.objects.filter(counties).aggregate(
        **{
            county_list.value: Count("designations", filter=Q(designations__list=county_list))
            for county_list in CountyList
        }
    )
    return {key: value or 0 for key, value in counted.items()}


def county_list_sizes() -> dict[str, int]:
    """How many counties each list holds now, keyed by the list's value."""
    rows = CountyDesignation.objects.order_by().values("list").annotate(n=Count("pk"))
    sizes = {row["list"]: row["n"] for row in rows}
    return {county_list.value: sizes.get(county_list.value, 0) for county_list in CountyList}
