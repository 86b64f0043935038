"""Reading rounds, quotas, holdings and extensions: every page and service starts here."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.rounds.apportionment import propose_quotas
from dibiao.rounds.models import Extension, Holding, Quota, Round


def provincial_units() -> QuerySet[Organisation]:
    """The 32 recommending units of Attachment 2, in its order (by province code)."""
    return Organisation.objects.filter(kind=Kind.PROVINCIAL, is_active=True).order_by("province_code")


def province_of(user: Any) -> Organisation | None:
    """The provincial unit a provincial officer works for (a centre's officer: its province)."""
    organisation: Organisation | None = getattr(user, "organisation", None)
    if organisation is None:
        return None
    if organisation.kind == Kind.PROVINCIAL:
        return organisation
    return organisation.province


def rounds_with_totals() -> QuerySet[Round]:
    return Round.objects.annotate(
        quota_total=Sum("quotas__cap"), quota_count=Count("quotas", distinct=True)
    ).order_by("-year")


def with_quota_of(rounds: QuerySet[Round], province_id: int | None) -> QuerySet[Round]:
    """Annotate each round with one province's cap (`own_cap`, None if it has none)."""
    caps = Quota.objects.filter(round=OuterRef("pk"), province_id=province_id).values("cap")[:1]
    return rounds.annotate(own_cap=Subquery(caps)).order_by("-year")


def quotas_in_round(round: Round) -> QuerySet[Quota]:
    return Quota.objects.filter(round=round).select_related("province").order_by("province__province_code")


@dataclass(frozen=True)
class QuotaRow:
    province: Organisation
    quota: Quota | None

    @property
    def cap(self) -> int | None:
        return self.quota.cap if self.quota else None


def quota_rows(round: Round) -> list[QuotaRow]:
    """One row per provincial unit, with its quota in `round` if it has one. Two queries."""
    quotas = {quota.province_id: quota for quota in Quota.objects.filter(round=round)}
    return [QuotaRow(province, quotas.get(province.pk)) for province in provincial_units()]


def quota_total(round: Round) -> int:
    return Quota.objects.filter(round=round).aggregate(total=Sum("cap"))["total"] or 0


@dataclass(frozen=True)
class HoldingRow:
    province: Organisation
    holding: Holding | None

    @property
    def weight(self) -> int:
        return self.holding.total if self.holding else 0


def holding_rows(round: Round) -> list[HoldingRow]:
    holdings = {holding.province_id: holding for holding in Holding.objects.filter(round=round)}
    return [HoldingRow(province, holdings.get(province.pk)) for province in provincial_units()]


def extensions_in_round(round: Round) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(round=round)
        .select_related("province", "granted_by")
        .order_by("-granted_at", "-pk")
    )


def deadline_for(round: Round, province: Organisation) -> dt.datetime:
    """When `province` stops being able to recommend in `round`: the round's deadline, or the
    end of the extension most recently granted to it, whichever is later.

    The most recent grant counts (not the longest), so that the administrator can correct an
    extension by granting another; it can never end before the round's own deadline.
    """
    latest = (
        Extension.objects.filter(round=round, province=province)
        .order_by("-granted_at", "-pk")
        .values_list("until", flat=True)
        .first()
    )
    if latest is None:
        return round.deadline_at
    return max(round.deadline_at, latest)


def deadlines_in_round(round: Round) -> dict[int, dt.datetime]:
    """`deadline_for` of every provincial unit, by its id, in one query."""
    latest = Extension.objects.filter(round=round, province=OuterRef("pk")).order_by("-granted_at", "-pk")
    provinces = provincial_units().annotate(extended_until=Subquery(latest.values("until")[:1]))
    return {
        province.pk: max(round.deadline_at, province.extended_until or round.deadline_at)
        for province in provinces
    }


# --- the proposal ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRow:
    province: Organisation
    holding: Holding | None
    current: int | None
    proposed: int

    @property
    def weight(self) -> int:
        return self.holding.total if self.holding else 0

    @property
    def difference(self) -> int:
        return self.proposed - (self.current or 0)


@dataclass(frozen=True)
class Proposal:
    total: int
    floor: int
    ceiling: int
    rows: list[ProposalRow]

    @property
    def current_total(self) -> int:
        return sum(row.current or 0 for row in self.rows)

    @property
    def weight_total(self) -> int:
        return sum(row.weight for row in self.rows)

    @property
    def difference_total(self) -> int:
        return self.total - self.current_total

    @property
    def caps(self) -> dict[str, int]:
        return {row.province.province_code: row.proposed for row in self.rows}


def proposal_for(round: Round, *, total: int, floor: int, ceiling: int) -> Proposal:
    """What `propose_quotas` makes of the holdings recorded for `round`; changes nothing.

    A unit without recorded holdings counts as holding none. Raises ValueError if the bounds
    cannot be met (the forms check them first, with a message).
    """
    holdings = {holding.province_id: holding for holding in Holding.objects.filter(round=round)}
    current = dict(Quota.objects.filter(round=round).values_list("province_id", "cap"))
    provinces = list(provincial_units())
    weights = {
        province.province_code: holdings[province.pk].total if province.pk in holdings else 0
        for province in provinces
    }
    proposed = propose_quotas(total, weights, floor, ceiling)
    rows = [
        ProposalRow(
            province=province,
            holding=holdings.get(province.pk),
            current=current.get(province.pk),
            proposed=proposed[province.province_code],
        )
        for province in provinces
    ]
    return Proposal(total=total, floor=floor, ceiling=ceiling, rows=rows)
