"""Reusable reads about recommendations: deadlines, quota use, versions."""

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet

from dibiao.organisations.models import Organisation
from dibiao.recommendations.choices import HOLDS_QUOTA, Section
from dibiao.recommendations.models import Attachment, Recommendation
from dibiao.rounds.models import Extension, Quota, Round


def _pk(obj: Organisation | int) -> int:
    return obj if isinstance(obj, int) else obj.pk


def deadline_for(round: Round, province: Organisation | int) -> dt.datetime:
    """When submitting to and recommending by `province` closes: the round's deadline, or the
    latest extension granted to that province if it is later."""
    extended: dt.datetime | None = Extension.objects.filter(round=round, province_id=_pk(province)).aggregate(
        until=Max("until")
    )["until"]
    if extended is not None and extended > round.deadline_at:
        return extended
    return round.deadline_at


def is_before_deadline(now: dt.datetime, deadline: dt.datetime) -> bool:
    """The deadline's last second counts: a deadline of 23:59:59 accepts 23:59:59.999."""
    return now.replace(microsecond=0) <= deadline


def quota_held(round: Round, province: Organisation | int) -> int:
    """How many of the province's recommendations count against its quota in `round`."""
    return Recommendation.objects.filter(
        round=round, province_id=_pk(province), state__in=HOLDS_QUOTA
    ).count()


def quota_cap(round: Round, province: Organisation | int) -> int | None:
    """The province's quota in `round`, or None when it has none."""
    return Quota.objects.filter(round=round, province_id=_pk(province)).values_list("cap", flat=True).first()


def recommendations_in_round(round: Round) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(round=round).select_related("implementing_unit", "province")


def active_attachments(rec: Recommendation, section: Section | str | None = None) -> QuerySet[Attachment]:
    """The attachments currently on the form (not removed), optionally of one section."""
    attachments = Attachment.objects.filter(recommendation=rec, removed_at__isnull=True)
    if section is not None:
        attachments = attachments.filter(section=section)
    return attachments


def next_version_number(rec: Recommendation) -> int:
    latest = rec.versions.aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


def next_number_seq(round: Round, province: Organisation | int) -> int:
    latest = Recommendation.objects.filter(round=round, province_id=_pk(province)).aggregate(
        latest=Max("number_seq")
    )["latest"]
    return (latest or 0) + 1


def visible_approval(rec: Recommendation, user: Any) -> dict[str, Any] | None:
    """六、批准情况 of `rec` as `user` may see it: the national office always; everybody else
    only once the round's results are published (before that, the expert group's opinion and
    its leader are part of the review, which provinces and units do not see)."""
    from dibiao.accounts import permissions
    from dibiao.rounds.choices import RoundState

    approval = (rec.data or {}).get("approval")
    if not approval:
        return None
    if permissions.is_national_admin(user) or rec.round.state == RoundState.PUBLISHED:
        return approval  # type: ignore[no-any-return]
    return None
