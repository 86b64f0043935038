"""What each person may put into a round's summary or archive, and which generated files they
may see. Both start from `accounts.permissions.visible_recommendations`, the one scope."""

from typing import Any

from django.db.models import QuerySet

from dibiao.accounts import permissions
from dibiao.documents.models import GeneratedFile
from dibiao.organisations.models import Organisation
from dibiao.recommendations.choices import HOLDS_QUOTA, State
from dibiao.recommendations.models import Recommendation
from dibiao.rounds.models import Round


def may_export_rounds(user: Any) -> bool:
    """The national administrator (any province or all) and provincial officers (their own)."""
    return permissions.is_national_admin(user) or permissions.is_provincial_officer(user)


def export_province(user: Any, province: Organisation | None) -> Organisation | None:
    """The province an export of `user` covers: a provincial officer's own, always; the
    administrator's choice (None: every province)."""
    if permissions.is_provincial_officer(user):
        own: Organisation | None = user.organisation
        return own
    return province


def round_recommendations(
    user: Any, round: Round, province: Organisation | None = None
) -> QuerySet[Recommendation]:
    """The recommendations of `round` that go into `user`'s summary and archive.

    The administrator gets what the provinces recommended to CNIPA (recommended and every
    state after it); a provincial officer everything submitted to it that is not back with
    the implementing unit as a draft. In the order of the national list: province, 编号.
    """
    recs = permissions.visible_recommendations(user).filter(round=round)
    if permissions.is_national_admin(user):
        recs = recs.filter(state__in=HOLDS_QUOTA)
    elif permissions.is_provincial_officer(user):
        recs = recs.exclude(state=State.DRAFT)
    else:
        return recs.none()
    province = export_province(user, province)
    if province is not None:
        recs = recs.filter(province=province)
    return recs.order_by("province__province_code", "province__sort_key", "number_seq", "pk")


def visible_generated_files(user: Any) -> QuerySet[GeneratedFile]:
    """The administrator every file (it may read everything in them); a provincial officer
    the files that the officers of the same province asked for; nobody else any."""
    files = GeneratedFile.objects.select_related("round", "province", "requested_by")
    if permissions.is_national_admin(user):
        return files
    if permissions.is_provincial_officer(user):
        return files.filter(
            province_id=user.organisation_id, requested_by__organisation_id=user.organisation_id
        )
    return files.none()
