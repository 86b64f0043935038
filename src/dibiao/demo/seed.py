"""The demo: a national administrator, provincial and implementing officers, an expert, the
2021 round with Attachment 2's quotas, an open round of the current year, and a few counties on
the poverty lists. Everything goes through the services, so the demo obeys the rules; running
it again changes nothing.

The county marks are illustrative, chosen so the feature can be seen; they are not the official
lists (import those on the county-list page).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dibiao.accounts import services as accounts
from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.demo.content import PROJECTS, SEALED_PAGE_PDF
from dibiao.organisations import services as organisations
from dibiao.organisations.choices import CountyList, Kind
from dibiao.organisations.models import CountyDesignation, Organisation
from dibiao.recommendations import services as recommendations
from dibiao.recommendations import workflow
from dibiao.recommendations.choices import Action, Section
from dibiao.rounds import services as rounds
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

DEMO_PASSWORD = "dibiao-demo-2021"  # noqa: S105  demo accounts only, printed on purpose
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# (user name, full name, role, organisation lookup)
ACCOUNTS = [
    ("admin", "刘佳", Role.NATIONAL_ADMIN, {"kind": Kind.DEPARTMENT, "name": "知识产权运用促进司"}),
    ("anhui", "王敏", Role.PROVINCIAL, {"kind": Kind.PROVINCIAL, "province_code": "34"}),
    ("zhejiang", "陈晓", Role.PROVINCIAL, {"kind": Kind.PROVINCIAL, "province_code": "33"}),
    ("shandong", "李强", Role.PROVINCIAL, {"kind": Kind.PROVINCIAL, "province_code": "37"}),
    ("hefei", "张伟", Role.IMPLEMENTING, {"kind": Kind.IMPLEMENTING, "code": "340100"}),
    ("lu_an", "赵丽", Role.IMPLEMENTING, {"kind": Kind.IMPLEMENTING, "code": "341500"}),
    ("hangzhou", "周洁", Role.IMPLEMENTING, {"kind": Kind.IMPLEMENTING, "code": "330100"}),
    ("ganzhou", "孙涛", Role.IMPLEMENTING, {"kind": Kind.IMPLEMENTING, "code": "360700"}),
    ("jiangxi", "吴静", Role.PROVINCIAL, {"kind": Kind.PROVINCIAL, "province_code": "36"}),
    ("expert", "郑教授", Role.EXPERT, None),
]

# Illustrative marks: counties of 六安 (341500), 安庆 (340800) and 赣州 (360700).
POVERTY_ALLEVIATED = ["341522", "341523", "341524", "341525", "340826", "340828", "360726", "360731"]
KEY_SUPPORT = ["341524", "360731"]


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _admin() -> User:
    """The first administrator has nobody to create it: made here as `createsuperuser` would."""
    username, full_name, role, lookup = ACCOUNTS[0]
    org = Organisation.objects.get(**lookup)
    admin = User.objects.filter(username=username).first()
    if admin is None:
        admin = User(
            username=username,
            full_name=full_name,
            email=f"{username}@demo.dibiao.invalid",
            role=role,
            organisation=org,
            is_staff=True,
            is_superuser=True,
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    return admin


def _accounts(admin: User, report: SeedReport) -> None:
    for username, full_name, role, lookup in ACCOUNTS[1:]:
        if User.objects.filter(username=username).exists():
            continue
        org = Organisation.objects.get(**lookup) if lookup else None
        account = accounts.create_account(
            admin,
            username=username,
            full_name=full_name,
            email=f"{username}@demo.dibiao.invalid",
            role=role,
            organisation=org,
        )
        accounts.set_own_password(account, DEMO_PASSWORD)
        report.created.append(f"account {username}")


def _round_2021(admin: User, report: SeedReport) -> Round:
    round_ = Round.objects.filter(year=2021).first()
    if round_ is None:
        round_ = rounds.create_round(
            actor=admin,
            year=2021,
            title="2021年地理标志运用促进工程重点项目推荐",
            notice_ref="国知发运字〔2021〕20号",
            opens_at=dt.datetime(2021, 7, 1, 0, 0, tzinfo=SHANGHAI),
            deadline_at=dt.datetime(2021, 9, 15, 23, 59, 59, tzinfo=SHANGHAI),
            state=RoundState.CLOSED,
        )
        report.created.append("round 2021")
    if not round_.quotas.exists():
        data = (settings.DATA_DIR / "quota-2021.csv").read_bytes()
        rounds.import_quotas(round_, data, actor=admin, basis="国知发运字〔2021〕20号附件2")
        report.created.append("quotas 2021")
    return round_


def _current_round(admin: User, template: Round, report: SeedReport) -> Round:
    """An open round of this year, so the demo can be used today. Its deadline is set once, on
    creation: the end of the day 60 days later (or 15 September, if that is later)."""
    today = timezone.localdate()
    round_ = Round.objects.filter(year=today.year).first()
    if round_ is None:
        deadline_day = max(today + dt.timedelta(days=60), dt.date(today.year, 9, 15))
        round_ = rounds.create_round(
            actor=admin,
            year=today.year,
            title=f"{today.year}年地理标志运用促进工程重点项目推荐",
            notice_ref="国知发运字〔2021〕20号",
            opens_at=dt.datetime(today.year, 1, 1, 0, 0, tzinfo=SHANGHAI),
            deadline_at=dt.datetime.combine(deadline_day, dt.time(23, 59, 59), tzinfo=SHANGHAI),
            state=RoundState.OPEN,
        )
        report.created.append(f"round {today.year}")
    if not round_.quotas.exists():
        caps = {
            quota.province.province_code: quota.cap for quota in template.quotas.select_related("province")
        }
        rounds.set_quotas(round_, caps, actor=admin, basis="沿用2021年推荐名额")
        report.created.append(f"quotas {today.year}")
    return round_


def _county_lists(admin: User, report: SeedReport) -> None:
    for county_list, codes in [
        (CountyList.POVERTY_ALLEVIATED, POVERTY_ALLEVIATED),
        (CountyList.KEY_SUPPORT, KEY_SUPPORT),
    ]:
        if CountyDesignation.objects.filter(list=county_list).exists():
            continue
        data = ("code\n" + "\n".join(codes) + "\n").encode()
        organisations.import_county_list(county_list, data=data, filename="demo.csv", actor=admin)
        report.created.append(f"county list {county_list}")


def _sealed_page(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SEALED_PAGE_PDF, content_type="application/pdf")


def _opinion(signer: str) -> dict[str, str]:
    return {"text": "同意推荐。", "signer": signer, "date": timezone.localdate().isoformat()}


def _recommendations(admin: User, round_: Round, report: SeedReport) -> None:
    """Walk the demo projects along the path as far as each should go, as users would."""
    if round_.recommendations.exists():
        return
    for unit_login, province_login, goal, data in PROJECTS:
        officer = User.objects.get(username=unit_login)
        province_officer = User.objects.get(username=province_login)
        rec = recommendations.create_draft(actor=officer, round=round_, data=data)
        report.created.append(f"recommendation {rec.project_name} ({goal})")
        if goal == "draft":
            continue
        recommendations.add_attachment(
            rec,
            actor=officer,
            section=Section.IMPLEMENTING_SEAL,
            uploaded_file=_sealed_page("实施单位盖章页.pdf"),
        )
        workflow.perform(
            rec,
            Action.SUBMIT,
            actor=officer,
            opinion=_opinion(data["implementing_unit"]["representative"]["name"]),
        )
        if goal == "submitted":
            continue
        recommendations.add_attachment(
            rec,
            actor=province_officer,
            section=Section.RECOMMENDING_SEAL,
            uploaded_file=_sealed_page("推荐单位盖章页.pdf"),
        )
        workflow.perform(
            rec, Action.RECOMMEND, actor=province_officer, opinion=_opinion(province_officer.full_name)
        )
        if goal == "recommended":
            continue
        workflow.perform(rec, Action.RECEIVE, actor=admin)


def seed() -> SeedReport:
    """Build the demo data; return what was created and the logins."""
    report = SeedReport()
    if not Organisation.objects.filter(kind=Kind.PROVINCIAL).exists():
        organisations.load_divisions()
    with transaction.atomic():
        admin = _admin()
        _accounts(admin, report)
        round_2021 = _round_2021(admin, report)
        current = _current_round(admin, round_2021, report)
        _county_lists(admin, report)
        _recommendations(admin, current, report)
    for username, _full_name, role, lookup in ACCOUNTS:
        org = Organisation.objects.get(**lookup).name if lookup else "—"
        report.logins.append((username, str(Role(role).label), org))
    return report
