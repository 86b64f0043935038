"""Review data for the ranking, decision and publication tests: experts, projects at CNIPA
and their score sheets, written directly (the scoring path has its own tests), so that each
test states exactly the totals it ranks."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dibiao.accounts.choices import Role
from dibiao.organisations.choices import CountyList, DivisionLevel
from dibiao.organisations.models import CountyDesignation, Division
from dibiao.recommendations.choices import State
from dibiao.reviews.choices import ReviewState
from dibiao.reviews.models import Assignment, Expert
from tests.factories import RecommendationFactory, UserFactory

EXPERT_NAMES = ("王评审", "李评审", "赵评审")


def make_expert(name, username=None):
    user = UserFactory(username=username or f"expert-{name}", full_name=name, role=Role.EXPERT)
    return Expert.objects.create(user=user, affiliation="中国农业大学", field="农业经济")


def make_project(round, unit, *, state=State.REVIEWED, number=None, name=None):
    """A project of `unit` at CNIPA in `state`, numbered as on receipt."""
    seq = RecommendationFactory._meta.model.objects.filter(round=round, province=unit.province).count() + 1
    return RecommendationFactory(
        round=round,
        implementing_unit=unit,
        province=unit.province,
        state=state,
        number=number or f"{round.year}-{unit.province.province_code}-{seq:02d}",
        number_seq=seq,
        created_by=_officer_of(unit),
        **({"project_name": name} if name else {}),
    )


def _officer_of(unit):
    from dibiao.accounts.models import User

    return User.objects.filter(organisation=unit, role=Role.IMPLEMENTING).first() or UserFactory(
        role=Role.IMPLEMENTING, organisation=unit
    )


def review(rec, expert, total, *, by, submitted=True):
    """`expert`'s sheet for `rec`: submitted with `total`, or a draft (its total does not count)."""
    return Assignment.objects.create(
        recommendation=rec,
        expert=expert,
        assigned_by=by,
        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
        total=Decimal(str(total)) if total is not None else None,
        saved_at=timezone.now(),
        submitted_at=timezone.now() if submitted else None,
    )


def mark_poverty_alleviated(unit, county_list=CountyList.POVERTY_ALLEVIATED):
    """Put a county of `unit` (a prefecture) on `county_list`."""
    county = Division.objects.create(
        code=f"{unit.code[:4]}21",
        name="示例县",
        level=DivisionLevel.COUNTY,
        province_name=unit.province.name,
        valid_from=1980,
    )
    return CountyDesignation.objects.create(list=county_list, division=county)


def aware(year, month, day):
    return dt.datetime(year, month, day, 10, 0, tzinfo=timezone.get_default_timezone())
