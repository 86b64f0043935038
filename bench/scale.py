"""A full round of data for the load benchmark (runs inside `manage.py shell`).

184 recommended projects (each province up to its 2021 quota, received and numbered) and
2,000 other recommendations (drafts and submitted ones) across all provinces, every one with
a complete form of about 6,000 Chinese characters. 安徽 gets exactly 50 recommendations, so its
list page shows 50 rows. Bulk inserts: this is data for measuring pages, not a test of the
services (the tests walk the path through them).
"""

import datetime as dt
import itertools
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone

from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Recommendation, Transition, Version
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Quota, Round

OTHERS = 2000
ANHUI_ROWS = 50
PARAGRAPH = "地理标志是区域文化和形象的代表符号和传承载体，具有深厚的人文历史底蕴。" * 10


def _form(name: str, unit: Organisation, province: Organisation) -> dict[str, Any]:
    text = (PARAGRAPH + "\n") * 4  # about 1,500 characters per long text, 6,000 in all
    return {
        "project_name": name,
        "implementing_unit": {
            "name": unit.name,
            "representative": {"name": "王建国", "title": "局长"},
            "phone": "0551-62081234",
            "fax": "0551-62081235",
            "responsible": {
                "name": "李明",
                "title": "副局长",
                "landline": "0551-62081236",
                "mobile": "13905511234",
            },
            "contact": {"name": "张华", "mobile": "13805511234", "landline": "0551-62081237", "fax": None},
            "address": f"{unit.name}办公楼",
            "email": "zscq@example.cn",
        },
        "recommending_unit": {
            "name": province.name,
            "division_head": {"name": "陈处长", "mobile": "13955112345"},
            "contact": {"name": "赵经办", "mobile": "13855112345"},
        },
        "geographical_indications": [
            {
                "name": f"{unit.name[:2]}特产",
                "rights_holder": "产业协会",
                "approvals": [{"authority": "商标局", "date": "2010-05-14"}],
                "production_area": "现辖行政区域",
            }
        ],
        "introduction": text,
        "achievements": text,
        "practices": text,
        "safeguards": text,
        "recommender_support": None,
        "implementing_opinion": {"text": "同意推荐。", "signer": "王建国", "date": "2025-09-01"},
        "recommending_opinion": {"text": "同意推荐。", "signer": "陈处长", "date": "2025-09-02"},
    }


def _session(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; django_language=zh-hans"


def _user(username: str, role: str, org: Organisation | None) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"full_name": username, "role": role, "organisation": org, "email": ""}
    )
    return user


@transaction.atomic
def build_full_round() -> dict[str, str]:
    now = timezone.now()
    admin_org = Organisation.objects.get(kind=Kind.DEPARTMENT, name="知识产权运用促进司")
    admin = _user("bench_admin", Role.NATIONAL_ADMIN, admin_org)
    provinces = {p.province_code: p for p in Organisation.objects.filter(kind=Kind.PROVINCIAL)}
    anhui_officer = _user("bench_anhui", Role.PROVINCIAL, provinces["34"])
    round_ = Round.objects.create(
        year=2025,
        title="2025年地理标志运用促进工程重点项目推荐",
        notice_ref="国知发运字〔2021〕20号",
        opens_at=now - timezone.timedelta(days=30),
        deadline_at=now + timezone.timedelta(days=30),
        state=RoundState.OPEN,
    )
    caps = {}
    with open(settings.DATA_DIR / "quota-2021.csv", encoding="utf-8") as quota_file:
        next(quota_file)
        for line in quota_file:
            code, _name, cap = line.strip().split(",")
            caps[code] = int(cap)
    Quota.objects.bulk_create(
        Quota(round=round_, province=provinces[code], cap=cap, basis="bench") for code, cap in caps.items()
    )
    units_by_province: dict[str, list[Organisation]] = {}
    for unit in Organisation.objects.filter(kind=Kind.IMPLEMENTING, is_active=True).order_by("sort_key"):
        units_by_province.setdefault(unit.province_code, []).append(unit)
    units_by_province["66"] = units_by_province.get("66") or [
        Organisation.objects.create(
            kind=Kind.IMPLEMENTING,
            level="xpcc_division",
            name="第一师",
            province_code="66",
            parent=provinces["66"],
            province=provinces["66"],
            sort_key="660001",
        )
    ]

    recs: list[Recommendation] = []
    for code, cap in caps.items():
        units = itertools.cycle(units_by_province[code])
        for seq in range(1, cap + 1):
            unit = next(units)
            recs.append(
                Recommendation(
                    round=round_,
                    implementing_unit=unit,
                    province=provinces[code],
                    state=State.RECEIVED,
                    project_name=f"{unit.name}地理标志运用促进项目{seq}",
                    data=_form(f"{unit.name}地理标志运用促进项目{seq}", unit, provinces[code]),
                    number=f"2025-{code}-{seq:02d}",
                    number_seq=seq,
                    created_by=admin,
                    submitted_at=now,
                    recommended_at=now,
                    received_at=now,
                )
            )
    anhui_others = ANHUI_ROWS - caps["34"]
    other_codes = [code for code in caps if code != "34"]
    for index in range(OTHERS):
        code = "34" if index < anhui_others else other_codes[index % len(other_codes)]
        unit = units_by_province[code][index % len(units_by_province[code])]
        state = State.SUBMITTED if index % 2 else State.DRAFT
        # 安徽's drafts were all submitted once and returned: the province sees every one of its
        # 50 rows (a draft never submitted is not the province's to see).
        returned = state == State.DRAFT and (code == "34" or index % 4 == 0)
        recs.append(
            Recommendation(
                round=round_,
                implementing_unit=unit,
                province=provinces[code],
                state=state,
                is_returned=returned,
                project_name=f"{unit.name}特色产业项目{index}",
                data=_form(f"{unit.name}特色产业项目{index}", unit, provinces[code]),
                created_by=admin,
                submitted_at=now if state == State.SUBMITTED or returned else None,
            )
        )
    Recommendation.objects.bulk_create(recs, batch_size=500)

    detail = Recommendation.objects.filter(
        round=round_, province=provinces["34"], state=State.RECEIVED
    ).first()
    assert detail is not None
    version = Version.objects.create(
        recommendation=detail, number=1, data=detail.data, fingerprint="0123456789ab", created_by=admin
    )
    for action, source, target in [
        (Action.CREATE, "", State.DRAFT),
        (Action.SUBMIT, State.DRAFT, State.SUBMITTED),
        (Action.RECOMMEND, State.SUBMITTED, State.RECOMMENDED),
        (Action.RECEIVE, State.RECOMMENDED, State.RECEIVED),
    ]:
        Transition.objects.create(
            recommendation=detail,
            action=action,
            from_state=source,
            to_state=target,
            actor=admin,
            version=version,
        )
    expert = build_review(round_, admin, provinces, now)
    return {
        "province": f"/recommendations/province/?round=2025 {_session(anhui_officer)}",
        "national": f"/recommendations/national/?round=2025 {_session(admin)}",
        "detail": f"/recommendations/{detail.pk}/ {_session(anhui_officer)}",
        "ranking": f"/reviews/ranking/?round=2025 {_session(admin)}",
        "expert": f"/reviews/mine/ {_session(expert)}",
    }


# --- the expert review of the 184 projects --------------------------------------------------------

EXPERTS = 30
REVIEWS_PER_PROJECT = 3
CRITERIA = (
    ("项目基础", 20),
    ("品牌建设", 25),
    ("产业发展与联农带农", 25),
    ("保障措施", 15),
    ("示范价值", 15),
)
POVERTY_COUNTIES, KEY_SUPPORT_COUNTIES = 832, 160


def _mark_counties() -> None:
    """The two county lists at their real sizes, spread over the county-level divisions."""
    from dibiao.organisations.choices import CountyList, DivisionLevel
    from dibiao.organisations.models import CountyDesignation
    from dibiao.organisations.queries import divisions_in_force

    counties = list(
        divisions_in_force(dt.date(2020, 12, 31)).filter(level=DivisionLevel.COUNTY).order_by("code")
    )
    step = max(len(counties) // POVERTY_COUNTIES, 1)
    poverty = counties[::step][:POVERTY_COUNTIES]
    CountyDesignation.objects.bulk_create(
        [CountyDesignation(list=CountyList.POVERTY_ALLEVIATED, division=county) for county in poverty]
        + [
            CountyDesignation(list=CountyList.KEY_SUPPORT, division=county)
            for county in poverty[:: max(len(poverty) // KEY_SUPPORT_COUNTIES, 1)][:KEY_SUPPORT_COUNTIES]
        ]
    )


def build_review(round_: Round, admin: User, provinces: dict[str, Organisation], now: Any) -> User:
    """30 experts (each from a province), the panel and its rubric, and three score sheets for
    each of the 184 projects at CNIPA, never by an expert of the project's province, the load
    balanced: two thirds of the projects reviewed (every sheet submitted, half of them decided),
    the others in review (the last sheet a draft). Returns the account of an expert who is not
    the group leader (about 18 sheets)."""
    import random

    from dibiao.reviews.choices import ReviewState
    from dibiao.reviews.models import Assignment, Criterion, Decision, Expert, Panel, Score

    _mark_counties()
    codes = sorted(provinces)
    experts = []
    for index in range(EXPERTS):
        user = _user(f"bench_expert{index:02d}", Role.EXPERT, None)
        user.full_name = f"评审专家{index:02d}"
        user.save(update_fields=["full_name"])
        experts.append(
            Expert.objects.create(
                user=user,
                affiliation="农业大学",
                field="农业经济",
                province=provinces[codes[(index * 7) % len(codes)]],
            )
        )
    Panel.objects.create(round=round_, leader=experts[0], review_started_at=now)
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round_, position=position, title=title, max_points=points)
        for position, (title, points) in enumerate(CRITERIA, start=1)
    )
    recs = list(Recommendation.objects.filter(round=round_, state=State.RECEIVED).order_by("pk"))
    rng = random.Random(2021)
    load = dict.fromkeys(range(EXPERTS), 0)
    assignments, reviewed = [], []
    for position, rec in enumerate(recs):
        is_reviewed = position % 3 != 2
        (reviewed if is_reviewed else []).append(rec)
        free = [i for i in range(EXPERTS) if experts[i].province_id != rec.province_id]
        chosen = sorted(free, key=lambda i: (load[i], rng.random()))[:REVIEWS_PER_PROJECT]
        for slot, index in enumerate(chosen):
            load[index] += 1
            submitted = is_reviewed or slot < REVIEWS_PER_PROJECT - 1
            points = [rng.randint(int(max_points * 0.5), int(max_points)) for _title, max_points in CRITERIA]
            assignments.append(
                Assignment(
                    recommendation=rec,
                    expert=experts[index],
                    assigned_by=admin,
                    state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
                    comment="项目基础扎实，品牌建设成效明显。",
                    total=sum(points),
                    saved_at=now,
                    submitted_at=now if submitted else None,
                )
            )
            assignments[-1].points = points  # type: ignore[attr-defined]
    Assignment.objects.bulk_create(assignments, batch_size=500)
    Score.objects.bulk_create(
        (
            Score(assignment=assignment, criterion=criterion, points=points)
            for assignment in assignments
            for criterion, points in zip(criteria, assignment.points, strict=True)  # type: ignore[attr-defined]
        ),
        batch_size=1000,
    )
    Recommendation.objects.filter(pk__in=[rec.pk for rec in reviewed]).update(state=State.REVIEWED)
    Recommendation.objects.filter(round=round_, state=State.RECEIVED).update(state=State.IN_REVIEW)
    Decision.objects.bulk_create(
        Decision(recommendation=rec, is_selected=index % 3 == 0, decided_by=admin)
        for index, rec in enumerate(reviewed[: len(reviewed) // 2])
    )
    return experts[1].user
