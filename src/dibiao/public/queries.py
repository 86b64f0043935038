"""What the public may see, and nothing else. Every function returns plain values (never a
model instance whose other fields a template could reach), filtered to what is published:
key projects of published rounds, published typical cases."""

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT

from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.public.tiles import TILES
from dibiao.recommendations.choices import HOLDS_QUOTA, State
from dibiao.recommendations.models import Recommendation
from dibiao.reports.choices import CaseState
from dibiao.reports.models import TypicalCase
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

# The only columns of a key project the public ever gets.
PUBLIC_PROJECT_FIELDS = (
    "pk",
    "number",
    "project_name",
    "implementing_unit__name",
    "province__name",
    "province__province_code",
    "round__year",
)


def published_rounds() -> QuerySet[Round]:
    return Round.objects.filter(state=RoundState.PUBLISHED).order_by("-year")


def published_key_projects(*, year: int | None = None, province: Organisation | None = None) -> QuerySet[Any]:
    """Selected projects of published rounds, as dicts of their public fields, plus the GI
    list (only its names are shown: see gi_names)."""
    projects = Recommendation.objects.filter(state=State.SELECTED, round__state=RoundState.PUBLISHED)
    if year:
        projects = projects.filter(round__year=year)
    if province is not None:
        projects = projects.filter(province=province)
    return projects.order_by("-round__year", "province__sort_key", "number_seq", "pk").values(
        *PUBLIC_PROJECT_FIELDS, gis=KT("data__geographical_indications")
    )


def gi_names(gis: Any) -> list[str]:
    """The names of a recommendation's GIs (二、地理标志), nothing else of them. The database
    hands the list over as JSON text (KT), on SQLite and PostgreSQL alike."""
    if isinstance(gis, str):
        try:
            gis = json.loads(gis)
        except ValueError:
            return []
    if not isinstance(gis, list):
        return []
    return [str(gi["name"]) for gi in gis if isinstance(gi, dict) and gi.get("name")]


def public_project_rows(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "number": row["number"] or "",
            "project_name": row["project_name"],
            "gi_names": gi_names(row["gis"]),
            "implementing_unit": row["implementing_unit__name"],
            "province": row["province__name"],
            "year": row["round__year"],
        }
        for row in values
    ]


def published_cases() -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(state=CaseState.PUBLISHED).select_related("province")


def public_provinces() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Kind.PROVINCIAL, is_active=True).order_by("sort_key", "name")


@dataclass
class ProvinceNumbers:
    code: str
    name: str
    short: str
    row: int
    col: int
    recommended: int
    selected: int


def province_statistics(year: int | None = None) -> list[ProvinceNumbers]:
    """For each of the 32 provincial units (all tiles, loaded or not), the projects it
    recommended and those selected, in published rounds only (one round, or all): two queries."""
    recs = Recommendation.objects.filter(round__state=RoundState.PUBLISHED)
    if year:
        recs = recs.filter(round__year=year)
    counts: dict[str, Any] = {
        row["province__province_code"]: row
        for row in recs.values("province__province_code").annotate(
            recommended=Count("pk", filter=Q(state__in=HOLDS_QUOTA)),
            selected=Count("pk", filter=Q(state=State.SELECTED)),
        )
    }
    names = dict(public_provinces().values_list("province_code", "name"))
    return [
        ProvinceNumbers(
            code=code,
            name=names.get(code, tile.short),
            short=tile.short,
            row=tile.row,
            col=tile.col,
            recommended=counts.get(code, {}).get("recommended", 0),
            selected=counts.get(code, {}).get("selected", 0),
        )
        for code, tile in sorted(TILES.items())
    ]
