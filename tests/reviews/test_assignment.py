"""Assigning experts: by hand (conflicts refused, naming the reason) and automatically
(conflicts respected, load balanced, reruns keep what exists, unstaffed projects explained)."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from dibiao.accounts.choices import Role
from dibiao.core.errors import DomainError
from dibiao.core.models import AuditEvent
from dibiao.recommendations.choices import State
from dibiao.recommendations.models import Recommendation
from dibiao.reviews import queries, services
from dibiao.reviews.assignment import auto_assign
from dibiao.reviews.choices import ReviewState, TieKind
from dibiao.reviews.models import Assignment, Expert, Tie
from tests.factories import (
    ImplementingUnitFactory,
    ProvinceFactory,
    RecommendationFactory,
    RoundFactory,
    UserFactory,
)
from tests.reviews.conftest import make_expert

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

QUOTA_FILE = Path(__file__).resolve().parents[2] / "data" / "quota-2021.csv"


# --- by hand -----------------------------------------------------------------------------------


def test_an_expert_of_the_projects_province_is_refused_with_the_reason(
    hefei_rec, anhui_expert, national_admin
):
    with pytest.raises(DomainError) as refused:
        services.assign(hefei_rec, anhui_expert, actor=national_admin)
    assert refused.value.message == "未能分配：安徽专家来自安徽省知识产权局，即本项目所在省份。"
    assert Assignment.objects.count() == 0


def test_an_expert_with_a_declared_tie_is_refused_with_the_reason(
    hangzhou_rec, beijing_expert, national_admin
):
    with pytest.raises(DomainError) as refused:
        services.assign(hangzhou_rec, beijing_expert, actor=national_admin)
    assert refused.value.message == (
        "未能分配：北京专家已声明与杭州市市场监督管理局（知识产权局）有关联（曾为该项目提供咨询），需回避。"
    )
    assert Assignment.objects.count() == 0


def test_a_tie_to_the_recommending_province_is_a_conflict_too(
    hefei_rec, beijing_expert, anhui, national_admin
):
    services.add_tie(beijing_expert, actor=national_admin, organisation=anhui, kind=TieKind.WORKED_FOR)
    with pytest.raises(DomainError) as refused:
        services.assign(hefei_rec, beijing_expert, actor=national_admin)
    assert "已声明与安徽省知识产权局有关联" in refused.value.message


def test_assigning_by_hand_is_recorded_and_limited_to_the_number_per_project(
    hefei_rec, zhejiang_expert, beijing_expert, panel, national_admin, beijing
):
    first = services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.assign(hefei_rec, beijing_expert, actor=national_admin)
    third = make_expert(national_admin, "第三位专家", beijing)

    with pytest.raises(DomainError) as refused:
        services.assign(hefei_rec, third, actor=national_admin)
    assert refused.value.message == "此项目已有 2 位评审专家。请先移除一位，或修改每个项目的评审专家数。"
    with pytest.raises(DomainError) as refused:
        services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    assert refused.value.message == "浙江专家已被分配评审此项目。"

    event = AuditEvent.objects.get(verb="review.assigned", object_id=str(first.pk))
    assert (event.actor, event.data) == (
        national_admin,
        {"recommendation_id": hefei_rec.pk, "expert_id": zhejiang_expert.pk},
    )


def test_only_the_national_administrator_assigns(hefei_rec, zhejiang_expert, anhui_officer):
    with pytest.raises(DomainError) as refused:
        services.assign(hefei_rec, zhejiang_expert, actor=anhui_officer)
    assert refused.value.message == "只有国家知识产权局管理员可以管理专家评审。"


def test_an_inactive_expert_is_not_assigned(hefei_rec, zhejiang_expert, national_admin):
    services.set_expert_active(zhejiang_expert, actor=national_admin, active=False)
    with pytest.raises(DomainError) as refused:
        services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    assert refused.value.message == "浙江专家不在专家库在册名单中。"


def test_unassigning_drops_the_draft_and_is_recorded(hefei_rec, zhejiang_expert, national_admin):
    sheet = services.assign(hefei_rec, zhejiang_expert, actor=national_admin)
    services.unassign(sheet, actor=national_admin)
    assert Assignment.objects.count() == 0
    event = AuditEvent.objects.get(verb="review.unassigned")
    assert event.data == {
        "recommendation_id": hefei_rec.pk,
        "expert_id": zhejiang_expert.pk,
        "draft_scores": 0,
    }


def test_a_draft_project_gets_no_experts(round_2021, hefei_officer, zhejiang_expert, national_admin):
    from tests.factories import submitted_recommendation

    rec = submitted_recommendation(hefei_officer, round_2021)
    with pytest.raises(DomainError) as refused:
        services.assign(rec, zhejiang_expert, actor=national_admin)
    assert refused.value.message == "只能为已接收、尚未完成评审的项目分配专家。"


# --- automatically: a generated round of 184 projects and 30 experts ----------------------------


def quota_rows():
    with QUOTA_FILE.open(encoding="utf-8", newline="") as file:
        return [(row["province_code"], row["unit_name"], int(row["quota"])) for row in csv.DictReader(file)]


@pytest.fixture
def full_round(db, national_admin):
    """The 2021 round with its 184 received projects (each province's quota full, two
    implementing units per province) and 30 experts from 30 of the 32 provinces; every
    third expert declared a tie to a unit of another province."""
    round = RoundFactory(year=2021)
    provinces = {code: ProvinceFactory(province_code=code, name=name) for code, name, _cap in quota_rows()}
    units = {}
    for code, province in provinces.items():
        units[code] = [
            ImplementingUnitFactory(
                province=province, code=f"{code}{n:02d}00", name=f"{province.name}第{n}单位"
            )
            for n in (1, 2)
        ]
    recs = []
    for code, _name, cap in quota_rows():
        for seq in range(1, cap + 1):
            recs.append(
                RecommendationFactory.build(
                    round=round,
                    implementing_unit=units[code][seq % 2],
                    province=provinces[code],
                    created_by=national_admin,
                    state=State.RECEIVED,
                    number=f"2021-{code}-{seq:02d}",
                    number_seq=seq,
                )
            )
    Recommendation.objects.bulk_create(recs)
    codes = list(provinces)
    experts = []
    for n in range(30):
        user = UserFactory(username=f"expert{n:02d}", full_name=f"专家{n:02d}", role=Role.EXPERT)
        experts.append(Expert.objects.create(user=user, affiliation="某大学", province=provinces[codes[n]]))
    for n in range(0, 30, 3):
        other = codes[(n + 7) % len(codes)]
        Tie.objects.create(expert=experts[n], organisation=units[other][0], kind=TieKind.ADVISED)
    services.update_panel(round, actor=national_admin, experts_per_project=3, leader=None)
    return round


def pairs(round):
    return set(
        Assignment.objects.filter(recommendation__round=round).values_list("recommendation_id", "expert_id")
    )


def test_every_project_gets_three_experts_without_conflicts_and_balanced_load(full_round, national_admin):
    report = auto_assign(full_round, actor=national_admin)

    assert Recommendation.objects.filter(round=full_round).count() == 184
    assert (len(report.created), report.kept, report.understaffed) == (552, 0, [])
    per_project = Counter(rec_id for rec_id, _expert in pairs(full_round))
    assert set(per_project.values()) == {3}
    assert len(per_project) == 184
    loads = Counter(expert_id for _rec, expert_id in pairs(full_round))
    assert len(loads) == 30
    assert max(loads.values()) - min(loads.values()) <= 1
    assert report.spread <= 1
    assert report.loads == dict(loads)
    for assignment in Assignment.objects.filter(recommendation__round=full_round).select_related(
        "expert__user", "expert__province", "recommendation__province"
    ):
        assert queries.conflict_of(assignment.expert, assignment.recommendation) is None
    event = AuditEvent.objects.get(verb="review.auto_assigned")
    assert (event.actor, len(event.data["created"]), event.data["understaffed"]) == (national_admin, 552, [])


def test_a_rerun_keeps_everything_and_changes_nothing(full_round, national_admin):
    auto_assign(full_round, actor=national_admin)
    before = pairs(full_round)

    again = auto_assign(full_round, actor=national_admin)

    assert (again.created, again.kept, again.understaffed) == ([], 552, [])
    assert pairs(full_round) == before


def test_a_rerun_only_fills_the_gaps_and_keeps_the_reviews(full_round, national_admin):
    auto_assign(full_round, actor=national_admin)
    services.default_rubric(full_round)
    sheets = list(Assignment.objects.filter(recommendation__round=full_round).order_by("pk"))
    scored = sheets[0]
    scored.comment = "已开始评审"
    scored.save(update_fields=["comment"])
    removed = sheets[5:9]
    for sheet in removed:
        services.unassign(sheet, actor=national_admin)
    kept = pairs(full_round)

    report = auto_assign(full_round, actor=national_admin)

    assert (len(report.created), report.kept) == (4, 548)
    assert kept <= pairs(full_round)
    assert Counter(rec for rec, _e in pairs(full_round)) == Counter(
        {rec.pk: 3 for rec in Recommendation.objects.filter(round=full_round)}
    )
    assert Assignment.objects.get(pk=scored.pk).comment == "已开始评审"
    loads = Counter(expert_id for _rec, expert_id in pairs(full_round))
    assert max(loads.values()) - min(loads.values()) <= 1


def test_a_project_that_cannot_be_staffed_is_explained(
    hefei_rec, anhui_expert, zhejiang_expert, national_admin, anhui
):
    make_expert(national_admin, "安徽第二位专家", anhui)

    report = auto_assign(hefei_rec.round, actor=national_admin)

    assert [(u.recommendation, u.assigned, u.needed, u.reason) for u in report.understaffed] == [
        (hefei_rec, 1, 3, "只有 1 位专家可评审：其余均为本省专家（2 位）或已声明回避（0 位）。")
    ]
    assert pairs(hefei_rec.round) == {(hefei_rec.pk, zhejiang_expert.pk)}


def test_the_automatic_assignment_is_the_administrators(full_round, anhui_officer):
    with pytest.raises(DomainError):
        auto_assign(full_round, actor=anhui_officer)
    assert Assignment.objects.count() == 0


def test_submitted_reviews_survive_a_rerun(
    hefei_rec, zhejiang_expert, beijing_expert, rubric, national_admin, round_2021
):
    services.update_panel(round_2021, actor=national_admin, experts_per_project=2, leader=None)
    auto_assign(round_2021, actor=national_admin)
    services.start_review(round_2021, actor=national_admin)
    sheet = Assignment.objects.get(expert=zhejiang_expert)
    services.submit_review(
        sheet, actor=zhejiang_expert.user, points={c.pk: "10" for c in rubric}, comment="可以"
    )

    auto_assign(round_2021, actor=national_admin)

    sheet.refresh_from_db()
    assert (sheet.state, sheet.total) == (ReviewState.SUBMITTED, 50)
    assert Assignment.objects.filter(recommendation=hefei_rec).count() == 2
