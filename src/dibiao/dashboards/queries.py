"""Read-only aggregates for the home pages. Every function here runs a fixed number of
queries, whatever the number of rows behind it."""

from typing import Any

from django.db.models import Count, Q, Sum

from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Quota, Round


def current_round() -> Round | None:
    """The round people work on now: the latest open one, else the latest of all."""
    return (
        Round.objects.filter(state=RoundState.OPEN).order_by("-year").first()
        or Round.objects.order_by("-year").first()
    )


def national_numbers(round_: Round | None) -> dict[str, Any]:
    orgs = Organisation.objects.aggregate(
        provinces=Count("pk", filter=Q(kind=Kind.PROVINCIAL)),
        units=Count("pk", filter=Q(kind=Kind.IMPLEMENTING, is_active=True)),
    )
    users = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        locked=Count("pk", filter=Q(locked_until__isnull=False)),
    )
    quota = (
        Quota.objects.filter(round=round_).aggregate(total=Sum("cap"), provinces=Count("pk"))
        if round_
        else {"total": None, "provinces": 0}
    )
    return {
        "rounds": Round.objects.count(),
        "provinces": orgs["provinces"],
        "units": orgs["units"],
        "active_users": users["active"],
        "quota_total": quota["total"] or 0,
        "quota_provinces": quota["provinces"],
    }


def provincial_numbers(province: Organisation, round_: Round | None) -> dict[str, Any]:
    quota = Quota.objects.filter(round=round_, province=province).first() if round_ else None
    units = Organisation.objects.filter(kind=Kind.IMPLEMENTING, province=province, is_active=True)
    return {
        "quota": quota.cap if quota else None,
        "units": units.count(),
        "unit_accounts": User.objects.filter(organisation__in=units, is_active=True).count(),
    }


def implementing_numbers(unit: Organisation, round_: Round | None) -> dict[str, Any]:
    """The unit's recommendations in the current round, by state (one query)."""
    from dibiao.recommendations.models import Recommendation

    counts = dict(
        Recommendation.objects.filter(round=round_, implementing_unit=unit)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {
        "drafts": counts.get("draft", 0),
        "submitted": counts.get("submitted", 0),
        "recommended_or_later": sum(n for state, n in counts.items() if state not in ("draft", "submitted")),
    }


def expert_numbers(user: Any) -> dict[str, Any]:
    """The expert's score sheets: assigned, and of those submitted (one query)."""
    from dibiao.reviews.models import Assignment

    sheets = Assignment.objects.filter(expert__user=user).aggregate(
        assigned=Count("pk"), submitted=Count("pk", filter=Q(state="submitted"))
    )
    return {"assigned": sheets["assigned"], "submitted": sheets["submitted"]}
