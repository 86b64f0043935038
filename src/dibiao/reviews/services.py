"""Every write of the expert review except the automatic assignment (reviews.assignment) and
the steps of a recommendation (recommendations.workflow.perform, which the review steps call).

Each function checks who may do it (accounts.permissions) and in which state, writes in one
transaction, records what it did with core.audit.record, and raises DomainError (with a
message for the user) when a rule refuses. Audit events name ids, never phones or e-mail.
"""

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dibiao.accounts import permissions
from dibiao.accounts import services as accounts
from dibiao.accounts.choices import Role
from dibiao.accounts.models import User
from dibiao.accounts.permissions import ReviewAction
from dibiao.core import audit
from dibiao.core.errors import DomainError
from dibiao.organisations.choices import Kind
from dibiao.organisations.models import Organisation
from dibiao.recommendations import schema, workflow
from dibiao.recommendations.choices import Action, State
from dibiao.recommendations.models import Recommendation
from dibiao.reviews import queries
from dibiao.reviews.choices import ReviewState, TieKind
from dibiao.reviews.models import Assignment, Criterion, Expert, Panel, Score, Tie
from dibiao.rounds.choices import RoundState
from dibiao.rounds.models import Round

logger = logging.getLogger(__name__)

MAX_EXPERTS_PER_PROJECT = 9
MAX_CRITERION_POINTS = Decimal(100)
DEPARTMENT = "知识产权运用促进司"  # the department that writes 部门意见 (notice: 运用促进司)


def require_manager(actor: Any) -> None:
    if not permissions.can(actor, ReviewAction.MANAGE):
        raise DomainError(_("Only the national administrator can manage the expert review."))


def _now_local_date() -> dt.date:
    return timezone.localdate()


# --- panels --------------------------------------------------------------------------------------


def ensure_panel(round: Round) -> Panel:
    """The round's review panel, created with the defaults (3 experts per project) if missing."""
    panel, _created = Panel.objects.get_or_create(round=round)
    return panel


def lock_panel(round: Round) -> Panel:
    ensure_panel(round)
    return Panel.objects.select_for_update(of=("self",)).select_related("leader__user").get(round=round)


@transaction.atomic
def update_panel(round: Round, *, actor: Any, experts_per_project: int, leader: Expert | None) -> Panel:
    """Set how many experts review each project (1..9) and who leads the group (组长, an
    active expert). Records `review.panel_updated` with the old and new values."""
    require_manager(actor)
    if not 1 <= experts_per_project <= MAX_EXPERTS_PER_PROJECT:
        raise DomainError(
            _("Each project needs between 1 and %(max)d experts.") % {"max": MAX_EXPERTS_PER_PROJECT},
            field="experts_per_project",
        )
    if leader is not None and not leader.is_active:
        raise DomainError(_("The group leader must be an active expert."), field="leader")
    panel = lock_panel(round)
    old = {"experts_per_project": panel.experts_per_project, "leader_id": panel.leader_id}
    new = {"experts_per_project": experts_per_project, "leader_id": leader.pk if leader else None}
    if old == new:
        return panel
    panel.experts_per_project = experts_per_project
    panel.leader = leader
    panel.save(update_fields=["experts_per_project", "leader"])
    audit.record(actor, "review.panel_updated", panel, f"{round.year}", old=old, new=new)
    return panel


# --- the rubric ----------------------------------------------------------------------------------

# The default rubric of the 2021 round (DOMAIN §6): the four parts of 三、项目有关情况 of
# Attachment 1 read against the four actions of the notice (二), plus the demonstration value
# that the notice asks CNIPA to select for (三（四）). 100 points in all.
DEFAULT_RUBRIC_2021: tuple[tuple[str, Decimal, str], ...] = (
    (
        "地理标志运用基础",
        Decimal(20),
        "对应推荐书“项目介绍”及通知“提质强基行动”：工作背景、基础和意义是否清楚，目标是否明确可行；"
        "地理标志保护、质量管理和规划政策基础；项目组织实施方式和工作机制，基层工作体系及知识产权、"
        "乡村振兴、市场监管、农业、文化旅游等多部门协调机制是否健全。",
    ),
    (
        "品牌建设",
        Decimal(20),
        "对应通知“品牌建设行动”及“工作成果”中“打造一个品牌”：商标品牌培育与指导服务，地理标志产品"
        "标准体系和质量保障，品牌宣传推广（网络直播、短视频等）和营销渠道拓展，品牌价值提升与品牌经营"
        "管理体系建设；已取得的品牌成效是否有数据和事实支撑。",
    ),
    (
        "产业发展与联农带农",
        Decimal(25),
        "对应通知“产业强链行动”及“工作成果”中“发展一个产业，造福一方百姓”：产业规模、产值和增长，"
        "产业链关键技术创新和专利转化，“地理标志+”与旅游、文创、电子商务等融合发展；产业化联合体和"
        "“企业+地理标志+农户”等利益联结机制，带动就业和农民增收的实际成效与预期成效。",
    ),
    (
        "保障措施",
        Decimal(15),
        "对应推荐书“保障措施”及通知“能力提升行动”：产地政府重视程度、政策支持和资金投入，人员与"
        "经费保障；地理标志知识普及、基础服务供给和业务培训；主要做法和具体实施方式是否可落实、可检验。",
    ),
    (
        "示范带动价值",
        Decimal(20),
        "对应通知三（四）“行动积极、成效突出、示范带动作用明显”及三（一）：项目经验是否可复制推广，"
        "对本地区和同类产品的示范带动作用；巩固拓展脱贫攻坚成果同乡村振兴有效衔接，脱贫地区项目优先支持。",
    ),
)


@dataclass(frozen=True)
class CriterionInput:
    title: str
    max_points: Decimal
    guidance: str = ""


def _check_rubric_open(round: Round) -> None:
    panel = queries.panel_of(round)
    if panel is not None and panel.review_started_at is not None:
        raise DomainError(
            _(
                "The review of this round started on %(date)s: the rubric is frozen and can no longer "
                "be changed, so that every expert scores by the same rubric."
            )
            % {"date": timezone.localtime(panel.review_started_at).strftime("%Y-%m-%d %H:%M")}
        )


def check_criterion(title: str, max_points: Any) -> list[tuple[str, str]]:
    """The problems of one criterion, as (field, message)."""
    problems = []
    if not title.strip():
        problems.append(("title", _("Give the criterion a name.")))
    elif len(title.strip()) > 100:
        problems.append(("title", _("Keep the name to 100 characters.")))
    try:
        points = Decimal(str(max_points))
    except InvalidOperation:
        problems.append(("max_points", _("Enter a number, e.g. 18 or 18.5.")))
        return problems
    if not points.is_finite() or points <= 0:
        problems.append(("max_points", _("The maximum must be more than 0.")))
    elif points > MAX_CRITERION_POINTS:
        problems.append(("max_points", _("The maximum can be at most 100 points.")))
    elif points != points.quantize(Decimal("0.1")):
        problems.append(("max_points", _("Give the points with at most one decimal, e.g. 18.5.")))
    return problems


@transaction.atomic
def save_rubric(round: Round, criteria: Sequence[CriterionInput], *, actor: Any) -> list[Criterion]:
    """Replace the round's rubric with `criteria`, in that order. Only before the review
    starts (the panel's review_started_at); at least one criterion; each with a name and a
    maximum of more than 0 and at most 100 points, one decimal. Records `review.rubric_saved`."""
    require_manager(actor)
    lock_panel(round)
    _check_rubric_open(round)
    if not criteria:
        raise DomainError(_("A rubric needs at least one criterion."))
    for item in criteria:
        problems = check_criterion(item.title, item.max_points)
        if problems:
            raise DomainError(
                _("%(criterion)s: %(problem)s") % {"criterion": item.title or "—", "problem": problems[0][1]},
                field=problems[0][0],
            )
    Criterion.objects.filter(round=round).delete()
    created = Criterion.objects.bulk_create(
        [
            Criterion(
                round=round,
                position=index,
                title=item.title.strip(),
                max_points=Decimal(str(item.max_points)),
                guidance=item.guidance.strip(),
            )
            for index, item in enumerate(criteria, start=1)
        ]
    )
    audit.record(
        actor,
        "review.rubric_saved",
        round,
        f"{round.year}: {len(created)}",
        criteria=[[c.title, str(c.max_points)] for c in created],
    )
    return queries.criteria_of(round)


def default_rubric(round: Round, *, actor: Any = None) -> list[Criterion]:
    """Give `round` the default rubric of the 2021 form (DEFAULT_RUBRIC_2021: five criteria,
    100 points) unless it has a rubric already, which is left as it is. Returns the rubric.
    With an actor, it must be the national administrator (the page's button); without one it
    is a set-up step (seed data, tests). Refused once the review has started."""
    if actor is not None:
        require_manager(actor)
    with transaction.atomic():
        lock_panel(round)
        existing = queries.criteria_of(round)
        if existing:
            return existing
        _check_rubric_open(round)
        Criterion.objects.bulk_create(
            [
                Criterion(round=round, position=index, title=title, max_points=points, guidance=guidance)
                for index, (title, points, guidance) in enumerate(DEFAULT_RUBRIC_2021, start=1)
            ]
        )
        audit.record(actor, "review.rubric_default", round, f"{round.year}")
    return queries.criteria_of(round)


# --- the expert pool -----------------------------------------------------------------------------


def provincial_units() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=Kind.PROVINCIAL, is_active=True).order_by("sort_key", "name")
    )


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def resolve_province(value: str, units: Sequence[Organisation] | None = None) -> Organisation:
    """The provincial unit that `value` names: its two-digit code (34), its name, or the start
    of its name (安徽, 安徽省). Raises DomainError when none or several fit."""
    text = _squash(value)
    if not text:
        raise DomainError(_("Give the province."), field="province")
    units = list(units) if units is not None else provincial_units()
    by_code = [unit for unit in units if unit.province_code == text]
    if by_code:
        return by_code[0]
    exact = [unit for unit in units if _squash(unit.name) == text]
    if exact:
        return exact[0]
    starts = [unit for unit in units if len(text) >= 2 and _squash(unit.name).startswith(text)]
    if len(starts) == 1:
        return starts[0]
    if starts:
        raise DomainError(
            _("“%(value)s” fits several provinces: %(names)s.")
            % {"value": value, "names": "、".join(unit.name for unit in starts)},
            field="province",
        )
    raise DomainError(
        _("“%(value)s” is not a province: give its name (e.g. 安徽省) or its two-digit code (e.g. 34).")
        % {"value": value},
        field="province",
    )


TIE_KINDS = (Kind.IMPLEMENTING, Kind.PROVINCIAL, Kind.CENTRE)


class UnitDirectory:
    """Finds units by GB/T 2260 code, two-digit province code or name (for declared ties)."""

    def __init__(self) -> None:
        units = list(
            Organisation.objects.filter(kind__in=TIE_KINDS, is_active=True).order_by("sort_key", "pk")
        )
        self.by_code: dict[str, list[Organisation]] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        for unit in units:
            if unit.code:
                self.by_code.setdefault(unit.code, []).append(unit)
            if unit.kind == Kind.PROVINCIAL and unit.province_code:
                self.by_code.setdefault(unit.province_code, []).append(unit)
            self.by_name.setdefault(_squash(unit.name), []).append(unit)

    def find(self, value: str) -> Organisation:
        text = _squash(value)
        found = self.by_code.get(text) or self.by_name.get(text) or []
        if len(found) == 1:
            return found[0]
        if found:
            raise DomainError(
                _("“%(value)s” fits several units: %(names)s. Give the unit's full name.")
                % {"value": value, "names": "、".join(unit.name for unit in found)},
                field="unit",
            )
        raise DomainError(
            _("“%(value)s” is not a unit we know: give its division code (e.g. 340100) or its full name.")
            % {"value": value},
            field="unit",
        )


@dataclass(frozen=True)
class ExpertValues:
    """An expert as typed, checked by `clean_expert_values`."""

    full_name: str
    email: str
    phone: str
    affiliation: str
    field: str
    province: Organisation


def clean_expert_values(
    *,
    full_name: str,
    email: str,
    phone: str,
    affiliation: str,
    field: str,
    province: Organisation | None,
    account: User | None = None,
) -> tuple[ExpertValues | None, list[tuple[str, str]]]:
    """Check an expert's values (the page's form and the import share this): a name, an
    affiliation, a provincial unit, a mainland mobile number and an e-mail address that no
    other account uses. Returns the normalised values, or None and the problems as
    (field, message)."""
    problems: list[tuple[str, str]] = []
    full_name = full_name.strip()
    affiliation = affiliation.strip()
    field = field.strip()
    email = schema.normalise_email(email or "")
    if not full_name:
        problems.append(("full_name", _("Give the expert's name.")))
    elif len(full_name) > 64:
        problems.append(("full_name", _("Keep the name to 64 characters.")))
    if not affiliation:
        problems.append(("affiliation", _("Give the expert's affiliation.")))
    elif len(affiliation) > 200:
        problems.append(("affiliation", _("Keep the affiliation to 200 characters.")))
    if len(field) > 200:
        problems.append(("field", _("Keep the field of expertise to 200 characters.")))
    if province is None or province.kind != Kind.PROVINCIAL:
        problems.append(("province", _("Give the province.")))
    try:
        phone = schema.normalise_mobile(phone or "") if (phone or "").strip() else ""
    except ValueError as error:
        problems.append(("phone", str(error)))
    if not phone and not any(f == "phone" for f, _m in problems):
        problems.append(("phone", _("Give the expert's mobile number.")))
    if not email:
        problems.append(("email", _("Give the expert's e-mail address: the invitation goes there.")))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(("email", _("Enter a valid e-mail address.")))
        else:
            others = User.objects.filter(username__iexact=email)
            if account is not None:
                others = others.exclude(pk=account.pk)
            if others.exists():
                problems.append(("email", _("An account with this e-mail address exists already.")))
    if problems or province is None:
        return None, problems
    return ExpertValues(full_name, email, phone, affiliation, field, province), []


def _raise_first(problems: list[tuple[str, str]]) -> None:
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)


def _create_expert(actor: Any, values: ExpertValues) -> Expert:
    user = accounts.create_account(
        actor,
        username=values.email.lower(),
        full_name=values.full_name,
        email=values.email,
        role=Role.EXPERT,
        organisation=None,
        phone=values.phone,
    )
    expert = Expert.objects.create(
        user=user, affiliation=values.affiliation, field=values.field, province=values.province
    )
    audit.record(actor, "expert.created", expert, f"expert {expert.pk}", province_id=values.province.pk)
    return expert


@transaction.atomic
def create_expert(
    actor: Any,
    *,
    full_name: str,
    email: str,
    phone: str,
    affiliation: str,
    field: str = "",
    province: Organisation | None,
) -> Expert:
    """Add an expert to the pool with an account (role expert, log-in name = e-mail address)
    that accounts.services.create_account creates and invites by e-mail after the commit.
    Records `expert.created`. Raises DomainError with the field concerned."""
    require_manager(actor)
    values, problems = clean_expert_values(
        full_name=full_name, email=email, phone=phone, affiliation=affiliation, field=field, province=province
    )
    _raise_first(problems)
    assert values is not None
    return _create_expert(actor, values)


def _conflicting_assignments(
    expert: Expert, *, province_id: int | None, unit_ids: set[int]
) -> list[Assignment]:
    """The expert's assignments that a province or tie would put in conflict."""
    found = []
    for assignment in expert.assignments.select_related("recommendation"):
        rec = assignment.recommendation
        if (province_id is not None and rec.province_id == province_id) or (
            unit_ids & {rec.implementing_unit_id, rec.province_id}
        ):
            found.append(assignment)
    return found


def _projects(assignments: Sequence[Assignment]) -> str:
    return "、".join(a.recommendation.number or a.recommendation.project_name for a in assignments)


@transaction.atomic
def update_expert(
    expert: Expert,
    *,
    actor: Any,
    full_name: str,
    email: str,
    phone: str,
    affiliation: str,
    field: str = "",
    province: Organisation | None,
) -> Expert:
    """Change an expert's name, contacts (on the account, via accounts.services), affiliation,
    field and province. A new province may not put one of the expert's assignments in
    conflict. Records `expert.updated` with the names of the changed fields."""
    require_manager(actor)
    expert = Expert.objects.select_for_update(of=("self",)).select_related("user").get(pk=expert.pk)
    values, problems = clean_expert_values(
        full_name=full_name,
        email=email,
        phone=phone,
        affiliation=affiliation,
        field=field,
        province=province,
        account=expert.user,
    )
    _raise_first(problems)
    assert values is not None
    if values.province.pk != expert.province_id:
        conflicts = _conflicting_assignments(expert, province_id=values.province.pk, unit_ids=set())
        if conflicts:
            raise DomainError(
                _(
                    "%(expert)s is assigned to projects of %(province)s (%(projects)s): remove those "
                    "assignments before changing the province."
                )
                % {
                    "expert": expert.user.full_name,
                    "province": values.province.name,
                    "projects": _projects(conflicts),
                },
                field="province",
            )
    accounts.update_account(
        actor,
        expert.user,
        full_name=values.full_name,
        email=values.email,
        phone=values.phone,
        organisation=expert.user.organisation,
    )
    changes = {"affiliation": values.affiliation, "field": values.field, "province": values.province}
    changed = [name for name, value in changes.items() if getattr(expert, name) != value]
    for name in changed:
        setattr(expert, name, changes[name])
    if changed:
        expert.save(update_fields=changed)
    audit.record(actor, "expert.updated", expert, f"expert {expert.pk}", fields=changed)
    return expert


@transaction.atomic
def set_expert_active(expert: Expert, *, actor: Any, active: bool) -> Expert:
    """Take an expert out of the pool (no new assignments) or back in. Refused while the
    expert has reviews still to submit or leads a panel whose results are not published.
    Records `expert.deactivated` or `expert.reactivated`."""
    require_manager(actor)
    expert = Expert.objects.select_for_update(of=("self",)).select_related("user").get(pk=expert.pk)
    if expert.is_active == active:
        return expert
    if not active:
        open_count = expert.assignments.exclude(state=ReviewState.SUBMITTED).count()
        if open_count:
            raise DomainError(
                _(
                    "%(expert)s still has %(count)d reviews to submit: remove them from those projects "
                    "first, or wait until they are submitted."
                )
                % {"expert": expert.user.full_name, "count": open_count}
            )
        if Panel.objects.filter(leader=expert, published_at__isnull=True).exists():
            raise DomainError(
                _("%(expert)s leads an expert group: choose another group leader first.")
                % {"expert": expert.user.full_name}
            )
    expert.is_active = active
    expert.save(update_fields=["is_active"])
    audit.record(
        actor, "expert.reactivated" if active else "expert.deactivated", expert, f"expert {expert.pk}"
    )
    return expert


@transaction.atomic
def add_tie(
    expert: Expert, *, actor: Any, organisation: Organisation, kind: str = TieKind.OTHER, note: str = ""
) -> Tie:
    """Record that `expert` declared a tie to `organisation` (an implementing or provincial
    unit): from now on they review none of its projects. Refused if they are assigned to one
    already. Records `expert.tie_added`."""
    require_manager(actor)
    if organisation.kind not in TIE_KINDS:
        raise DomainError(
            _("A tie can be declared to an implementing unit or a provincial unit."), field="unit"
        )
    if kind not in TieKind.values:
        raise DomainError(_("Choose the kind of tie."), field="kind")
    expert = Expert.objects.select_for_update(of=("self",)).select_related("user").get(pk=expert.pk)
    if Tie.objects.filter(expert=expert, organisation=organisation).exists():
        raise DomainError(
            _("%(expert)s has declared a tie to %(unit)s already.")
            % {"expert": expert.user.full_name, "unit": organisation.name},
            field="unit",
        )
    conflicts = _conflicting_assignments(expert, province_id=None, unit_ids={organisation.pk})
    if conflicts:
        raise DomainError(
            _(
                "%(expert)s is assigned to projects of %(unit)s (%(projects)s): remove those "
                "assignments first, then record the tie."
            )
            % {"expert": expert.user.full_name, "unit": organisation.name, "projects": _projects(conflicts)},
            field="unit",
        )
    tie = Tie.objects.create(expert=expert, organisation=organisation, kind=kind, note=note.strip()[:200])
    audit.record(
        actor,
        "expert.tie_added",
        expert,
        f"expert {expert.pk}: unit {organisation.pk}",
        unit_id=organisation.pk,
        kind=kind,
    )
    return tie


@transaction.atomic
def remove_tie(tie: Tie, *, actor: Any) -> None:
    """Forget a declared tie. Records `expert.tie_removed`."""
    require_manager(actor)
    expert = tie.expert
    audit.record(
        actor,
        "expert.tie_removed",
        expert,
        f"expert {expert.pk}: unit {tie.organisation_id}",
        unit_id=tie.organisation_id,
    )
    tie.delete()


# --- importing the pool --------------------------------------------------------------------------

IMPORT_COLUMNS = ("姓名", "单位", "专业领域", "省份", "手机", "电子邮箱")
OPTIONAL_COLUMNS = ("回避单位",)
TIE_SEPARATORS = re.compile(r"[；;，,、\n]+")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ImportRow:
    number: int
    values: dict[str, str]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def _refuse(problems: list[str]) -> DomainError:
    from dibiao.core.errors import ImportProblems

    return ImportProblems(
        _("The file was not imported, and nothing was changed. Correct these problems and upload it again:"),
        problems,
    )


def read_expert_sheet(data: bytes) -> list[ImportRow]:
    """The rows of the first sheet of an .xlsx file whose first row names the columns
    IMPORT_COLUMNS (and optionally 回避单位), in any order. Rows are numbered as the
    spreadsheet numbers them (the header is row 1); blank rows are skipped. Raises
    ImportProblems when the file as a whole cannot be used."""
    from openpyxl import load_workbook

    if not data.startswith(XLSX_MAGIC):
        raise _refuse([_("The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")])
    try:
        import io

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            records = [
                (number, [_cell(value) for value in values])
                for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
            ]
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds (KeyError, BadZipFile, ...) for a damaged file
        raise _refuse(
            [_("The file cannot be read as an Excel workbook (.xlsx); it may be damaged.")]
        ) from None
    records = [(number, cells) for number, cells in records if any(cells)]
    if not records:
        raise _refuse([_("The file is empty.")])
    header = records[0][1]
    while header and not header[-1]:
        header = header[:-1]
    expected = "、".join(IMPORT_COLUMNS + OPTIONAL_COLUMNS)
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    unknown = [cell for cell in header if cell not in IMPORT_COLUMNS + OPTIONAL_COLUMNS]
    problems = []
    if missing:
        problems.append(
            _("Missing column(s): %(columns)s. The first row must name the columns %(expected)s.")
            % {"columns": "、".join(missing), "expected": expected}
        )
    if unknown:
        problems.append(
            _("Unexpected column(s): %(columns)s. The first row must name the columns %(expected)s.")
            % {
                "columns": "、".join(cell or _("(a column without a name)") for cell in unknown),
                "expected": expected,
            }
        )
    repeated = sorted({cell for cell in header if cell and header.count(cell) > 1})
    if repeated:
        problems.append(_("Column(s) named twice: %(columns)s.") % {"columns": "、".join(repeated)})
    if problems:
        raise _refuse(problems)
    if len(records) == 1:
        raise _refuse([_("The file has a header row but no data rows.")])
    rows = []
    for number, cells in records[1:]:
        padded = list(cells) + [""] * (len(header) - len(cells))
        rows.append(ImportRow(number, dict(zip(header, padded[: len(header)], strict=True))))
    return rows


def _row_problem(number: int, problem: str) -> str:
    return _("Row %(row)s: %(problem)s") % {"row": number, "problem": problem}


COLUMN_OF_FIELD = {
    "full_name": "姓名",
    "affiliation": "单位",
    "field": "专业领域",
    "province": "省份",
    "phone": "手机",
    "email": "电子邮箱",
    "unit": "回避单位",
}


def import_experts(data: bytes, *, actor: Any) -> list[Expert]:
    """Add the experts of an .xlsx file (columns IMPORT_COLUMNS, optional 回避单位: unit
    codes or names separated by ；or ,) to the pool, each with an invited account.

    1. Read the sheet (file-level problems raise ImportProblems at once).
    2. Check every row as the page's form does (clean_expert_values), and the ties; an e-mail
       address or mobile number twice in the file is a problem of the later row.
    3. If any row has a problem, raise ImportProblems naming each by row number and column,
       and write nothing.
    4. Otherwise create every account, expert and tie in one transaction, and record
       `experts.imported`. The invitations go out after the commit.
    """
    require_manager(actor)
    rows = read_expert_sheet(data)
    units = provincial_units()
    directory = UnitDirectory()
    problems: list[str] = []
    ready: list[tuple[ExpertValues, list[Organisation]]] = []
    seen_email: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    for row in rows:
        values = row.values
        found: list[str] = []
        province = None
        try:
            province = resolve_province(values["省份"], units)
        except DomainError as error:
            found.append(f"{COLUMN_OF_FIELD['province']}：{error.message}")
        cleaned, field_problems = clean_expert_values(
            full_name=values["姓名"],
            email=values["电子邮箱"],
            phone=values["手机"],
            affiliation=values["单位"],
            field=values["专业领域"],
            province=province,
        )
        found.extend(
            f"{COLUMN_OF_FIELD[field]}：{message}"
            for field, message in field_problems
            if not (field == "province" and province is None)
        )
        ties: list[Organisation] = []
        for token in TIE_SEPARATORS.split(values.get("回避单位", "")):
            if not token.strip():
                continue
            try:
                unit = directory.find(token)
            except DomainError as error:
                found.append(f"{COLUMN_OF_FIELD['unit']}：{error.message}")
                continue
            if unit not in ties:
                ties.append(unit)
        if cleaned is not None:
            email_key = cleaned.email.lower()
            if email_key in seen_email:
                found.append(
                    f"{COLUMN_OF_FIELD['email']}："
                    + _("the same e-mail address is on row %(row)s.") % {"row": seen_email[email_key]}
                )
            else:
                seen_email[email_key] = row.number
            if cleaned.phone in seen_phone:
                found.append(
                    f"{COLUMN_OF_FIELD['phone']}："
                    + _("the same mobile number is on row %(row)s.") % {"row": seen_phone[cleaned.phone]}
                )
            else:
                seen_phone[cleaned.phone] = row.number
        if found:
            problems.extend(_row_problem(row.number, problem) for problem in found)
        elif cleaned is not None:
            ready.append((cleaned, ties))
    if problems:
        raise _refuse(problems)

    with transaction.atomic():
        experts = []
        for cleaned, ties in ready:
            expert = _create_expert(actor, cleaned)
            Tie.objects.bulk_create(
                [Tie(expert=expert, organisation=unit, kind=TieKind.OTHER) for unit in ties]
            )
            experts.append(expert)
        audit.record(
            actor, "experts.imported", None, f"{len(experts)} experts", expert_ids=[e.pk for e in experts]
        )
    return experts


# --- assigning by hand ---------------------------------------------------------------------------


def _lock_rec(rec: Recommendation) -> Recommendation:
    locked = (
        Recommendation.objects.select_for_update(no_key=True, of=("self",))
        .select_related("round", "province", "implementing_unit")
        .filter(pk=rec.pk)
        .first()
    )
    if locked is None:
        raise DomainError(_("This recommendation no longer exists."))
    return locked


@transaction.atomic
def assign(rec: Recommendation, expert: Expert, *, actor: Any) -> Assignment:
    """Assign `expert` to review `rec` (received or in review). Refused for an inactive
    expert, a conflict of interest (the message names it), an expert assigned already, and
    a project that has its experts_per_project already. Records `review.assigned`."""
    require_manager(actor)
    panel = lock_panel(rec.round)
    rec = _lock_rec(rec)
    if rec.state not in queries.ASSIGNABLE_STATES:
        raise DomainError(
            _("Experts can be assigned only to projects that were received and are not reviewed yet.")
        )
    expert = Expert.objects.select_related("user", "province").get(pk=expert.pk)
    if not (expert.is_active and expert.user.is_active):
        raise DomainError(
            _("%(expert)s is not active in the expert pool.") % {"expert": expert.user.full_name}
        )
    conflict = queries.conflict_of(expert, rec)
    if conflict:
        raise DomainError(_("Not assigned: %(reason)s") % {"reason": conflict})
    existing = Assignment.objects.filter(recommendation=rec)
    if existing.filter(expert=expert).exists():
        raise DomainError(
            _("%(expert)s is assigned to this project already.") % {"expert": expert.user.full_name}
        )
    if existing.count() >= panel.experts_per_project:
        raise DomainError(
            _(
                "This project has its %(count)d experts already. Remove one first, or change the number per project."
            )
            % {"count": panel.experts_per_project}
        )
    assignment = Assignment.objects.create(recommendation=rec, expert=expert, assigned_by=actor)
    audit.record(
        actor,
        "review.assigned",
        assignment,
        f"expert {expert.pk} → recommendation {rec.pk}",
        recommendation_id=rec.pk,
        expert_id=expert.pk,
    )
    return assignment


@transaction.atomic
def unassign(assignment: Assignment, *, actor: Any) -> None:
    """Take an expert off a project that is not reviewed yet, with their draft scores.
    A submitted review must be reopened first. Records `review.unassigned`."""
    require_manager(actor)
    locked = Assignment.objects.select_for_update(of=("self",)).filter(pk=assignment.pk).first()
    if locked is None:
        raise DomainError(_("This assignment no longer exists."))
    rec = _lock_rec(locked.recommendation)
    if rec.state not in queries.ASSIGNABLE_STATES:
        raise DomainError(_("The review of this project is complete: its experts can no longer change."))
    if locked.state == ReviewState.SUBMITTED:
        raise DomainError(_("This review has been submitted: reopen it first if the expert must be removed."))
    scored = locked.scores.count()
    audit.record(
        actor,
        "review.unassigned",
        rec,
        f"expert {locked.expert_id} ← recommendation {rec.pk}",
        recommendation_id=rec.pk,
        expert_id=locked.expert_id,
        draft_scores=scored,
    )
    locked.scores.all().delete()
    locked.delete()


# --- starting and completing the review ----------------------------------------------------------


@dataclass(frozen=True)
class StartReport:
    moved: int  # projects sent to review now
    without_experts: int  # received projects that stay behind: nobody is assigned yet
    refused: list[str]


def _queue_indexing(round_id: int) -> None:
    from dibiao.reviews.tasks import task_index_round

    task_index_round.enqueue(round_id)


def start_review(round: Round, *, actor: Any) -> StartReport:
    """Start the expert review of `round`, or send projects assigned since then to it.

    1. Lock the panel; refuse if the round has no rubric.
    2. The first time: stamp review_started_at (the rubric is frozen from then on), record
       `review.started`, and move the round to "in review" if it was open or closed.
    3. Move every received project of the round that has experts to in_review through
       workflow.perform (START_REVIEW); projects without experts stay received.
    4. After the commit, queue the overlap index of the round (reviews.tasks).
    """
    from dibiao.rounds import services as rounds

    require_manager(actor)
    with transaction.atomic():
        panel = lock_panel(round)
        if not Criterion.objects.filter(round=round).exists():
            raise DomainError(_("Set up the rubric of this round before the review starts."))
        if panel.review_started_at is None:
            panel.review_started_at = timezone.now()
            panel.save(update_fields=["review_started_at"])
            audit.record(actor, "review.started", panel, f"{round.year}")
            if round.state in (RoundState.OPEN, RoundState.CLOSED):
                rounds.update_round(round, actor=actor, state=RoundState.IN_REVIEW)
        received = Recommendation.objects.filter(round=round, state=State.RECEIVED)
        ready = list(received.filter(assignments__isnull=False).distinct().order_by("pk"))
        refused = []
        moved = 0
        for rec in ready:
            try:
                workflow.perform(rec, Action.START_REVIEW, actor=actor)
                moved += 1
            except workflow.WorkflowError as error:
                refused.append(f"{rec.number or rec.project_name}: {error.message}")
        without = received.filter(assignments__isnull=True).count()
        transaction.on_commit(partial(_queue_indexing, round.pk), robust=True)
    return StartReport(moved=moved, without_experts=without, refused=refused)


def complete_review(rec: Recommendation, *, actor: Any) -> Recommendation:
    """Mark the expert review of `rec` complete (in_review → reviewed) through
    workflow.perform, which checks that every review is submitted and the group opinion
    is written (queries.complete_review_problem). Raises WorkflowError."""
    workflow.perform(rec, Action.COMPLETE_REVIEW, actor=actor)
    return rec


# --- scoring -------------------------------------------------------------------------------------

NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def parse_points(value: Any, criterion: Criterion) -> Decimal | None:
    """The points typed for `criterion`: None when blank, else a number from 0 to the
    criterion's maximum with at most one decimal. Full-width digits are accepted. Raises
    ValueError with a message for the user."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if not text:
        return None
    if not NUMBER.match(text):
        raise ValueError(_("Enter a number, e.g. 18 or 18.5."))
    points = Decimal(text)
    if points < 0:
        raise ValueError(_("The points cannot be negative."))
    if points > criterion.max_points:
        raise ValueError(
            _("At most %(max)s points: that is the maximum of this criterion.")
            % {"max": points_text(criterion.max_points)}
        )
    if points != points.quantize(Decimal("0.1")):
        raise ValueError(_("Give the points with at most one decimal, e.g. 18.5."))
    return points.quantize(Decimal("0.1"))


def points_text(points: Decimal) -> str:
    """20.0 → "20", 18.5 → "18.5"."""
    return f"{points.normalize():f}"


class ScoreProblems(DomainError):
    """Some scores were not valid; nothing was saved. `problems` maps criterion pk → message."""

    def __init__(self, message: str, problems: dict[int, str], *, comment: str = "") -> None:
        super().__init__(message)
        self.problems = problems
        self.comment = comment


def _lock_sheet(assignment: Assignment, actor: Any) -> Assignment:
    """The actor's own score sheet, locked, on a project in their scope that is in review."""
    in_scope = permissions.visible_assignments(actor).filter(pk=assignment.pk)
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("recommendation", "expert__user")
        .filter(pk__in=in_scope.values("pk"))
        .first()
    )
    if locked is None or not permissions.can(actor, ReviewAction.SCORE, locked):
        raise DomainError(_("Only the expert assigned to this review can score it."))
    if locked.state == ReviewState.SUBMITTED:
        raise DomainError(
            _(
                "This review has been submitted, so its scores are locked. If one must change, ask the "
                "national administrator to reopen it."
            )
        )
    if locked.recommendation.state != State.IN_REVIEW:
        raise DomainError(_("This project is not in expert review, so it cannot be scored now."))
    return locked


def _parse_sheet(
    criteria: Sequence[Criterion], points: Mapping[int, Any], *, complete: bool
) -> tuple[dict[int, Decimal | None], dict[int, str]]:
    parsed: dict[int, Decimal | None] = {}
    problems: dict[int, str] = {}
    for criterion in criteria:
        try:
            value = parse_points(points.get(criterion.pk), criterion)
        except ValueError as error:
            problems[criterion.pk] = str(error)
            continue
        if value is None and complete:
            problems[criterion.pk] = _("Score this criterion before submitting.")
        parsed[criterion.pk] = value
    return parsed, problems


def _write_sheet(
    sheet: Assignment, parsed: Mapping[int, Decimal | None], comment: str, now: dt.datetime
) -> None:
    current = {score.criterion_id: score for score in sheet.scores.all()}
    for criterion_id, value in parsed.items():
        score = current.get(criterion_id)
        if value is None:
            if score is not None:
                score.delete()
        elif score is None:
            Score.objects.create(assignment=sheet, criterion_id=criterion_id, points=value)
        elif score.points != value:
            score.points = value
            score.save(update_fields=["points"])
    sheet.comment = comment
    sheet.saved_at = now


def _copy_sheet(sheet: Assignment, assignment: Assignment) -> None:
    """Let the caller's object show the row as written."""
    if sheet is not assignment:
        for name in ("comment", "saved_at", "state", "total", "submitted_at"):
            setattr(assignment, name, getattr(sheet, name))


def _scores_for_audit(parsed: Mapping[int, Decimal | None]) -> dict[str, str | None]:
    return {str(pk): (str(value) if value is not None else None) for pk, value in parsed.items()}


@transaction.atomic
def save_review(
    assignment: Assignment, *, actor: Any, points: Mapping[int, Any], comment: str = ""
) -> Assignment:
    """Save the expert's score sheet as a draft: any criterion may still be blank. Every
    value given must be a number from 0 to its criterion's maximum, one decimal at most;
    otherwise ScoreProblems names each and nothing is saved. Refused after submission.
    Records `review.saved`."""
    sheet = _lock_sheet(assignment, actor)
    criteria = queries.criteria_of(sheet.recommendation.round)
    parsed, problems = _parse_sheet(criteria, points, complete=False)
    comment = (comment or "").strip()
    if problems:
        raise ScoreProblems(
            _("Some scores are not valid, so nothing was saved. Correct them and save again."),
            problems,
            comment=comment,
        )
    _write_sheet(sheet, parsed, comment, timezone.now())
    sheet.save(update_fields=["comment", "saved_at"])
    audit.record(actor, "review.saved", sheet, f"assignment {sheet.pk}", scores=_scores_for_audit(parsed))
    _copy_sheet(sheet, assignment)
    return sheet


@transaction.atomic
def submit_review(
    assignment: Assignment, *, actor: Any, points: Mapping[int, Any], comment: str = ""
) -> Assignment:
    """Save and submit the expert's score sheet: every criterion scored (0..its maximum, one
    decimal) and a comment written, else ScoreProblems and nothing is saved. The total is the
    sum of the scores. From now on the sheet is locked until the administrator reopens it.
    Records `review.submitted`."""
    sheet = _lock_sheet(assignment, actor)
    criteria = queries.criteria_of(sheet.recommendation.round)
    parsed, problems = _parse_sheet(criteria, points, complete=True)
    comment = (comment or "").strip()
    if problems:
        raise ScoreProblems(
            _("The review was not submitted: score every criterion within its maximum, then submit again."),
            problems,
            comment=comment,
        )
    if not comment:
        raise ScoreProblems(_("Write your comment on the project before submitting."), {}, comment=comment)
    if not criteria:
        raise DomainError(_("This round has no rubric yet."))
    now = timezone.now()
    _write_sheet(sheet, parsed, comment, now)
    sheet.total = sum((value for value in parsed.values() if value is not None), Decimal(0))
    sheet.state = ReviewState.SUBMITTED
    sheet.submitted_at = now
    sheet.save(update_fields=["comment", "saved_at", "total", "state", "submitted_at"])
    audit.record(
        actor,
        "review.submitted",
        sheet,
        f"assignment {sheet.pk}: {sheet.total}",
        total=str(sheet.total),
        scores=_scores_for_audit(parsed),
    )
    _copy_sheet(sheet, assignment)
    return sheet


@transaction.atomic
def reopen_review(assignment: Assignment, *, actor: Any, reason: str) -> Assignment:
    """Give a submitted score sheet back to its expert to change (the administrator only,
    with a reason, while the project is in review). Its scores stay as they were; the total
    and the submission are cleared. Records `review.reopened` with the reason and the old
    total."""
    if not permissions.can(actor, ReviewAction.REOPEN, assignment):
        raise DomainError(_("Only the national administrator can reopen a submitted review."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    sheet = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("recommendation")
        .filter(pk=assignment.pk)
        .first()
    )
    if sheet is None:
        raise DomainError(_("This assignment no longer exists."))
    if sheet.state != ReviewState.SUBMITTED:
        raise DomainError(_("This review has not been submitted, so there is nothing to reopen."))
    if sheet.recommendation.state != State.IN_REVIEW:
        raise DomainError(_("The review of this project is complete: its scores can no longer be reopened."))
    old_total = sheet.total
    sheet.state = ReviewState.DRAFT
    sheet.submitted_at = None
    sheet.total = None
    sheet.save(update_fields=["state", "submitted_at", "total"])
    audit.record(
        actor,
        "review.reopened",
        sheet,
        f"assignment {sheet.pk} reopened",
        reason=reason,
        old_total=str(old_total) if old_total is not None else None,
        expert_id=sheet.expert_id,
        recommendation_id=sheet.recommendation_id,
    )
    _copy_sheet(sheet, assignment)
    return sheet


# --- 六、批准情况 --------------------------------------------------------------------------------


def _date(value: Any, field: str) -> str:
    if value in (None, ""):
        return _now_local_date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return schema.parse_date(str(value)).isoformat()
    except ValueError as error:
        raise DomainError(str(error), field=field) from None


def _approval(data: dict[str, Any]) -> dict[str, Any]:
    approval = data.get("approval")
    approval = dict(approval) if isinstance(approval, dict) else {}
    if not isinstance(approval.get("expert_group"), dict):
        approval["expert_group"] = {"opinion": None, "leader": None, "date": None}
    if not isinstance(approval.get("department"), dict):
        approval["department"] = {"opinion": None, "handler": None, "division": None, "date": None}
    return approval


def _opinion_text(text: str) -> str:
    value = schema.normalise_long_text(text or "")
    if not value:
        raise DomainError(_("Write the opinion."), field="opinion")
    return str(value)


@transaction.atomic
def write_group_opinion(
    rec: Recommendation, *, actor: Any, opinion: str, date: Any = None, leader: str | None = None
) -> Recommendation:
    """Write the expert group's opinion (专家组意见) of 六 into rec.data["approval"]:
    {opinion, leader (组长), date}. The group leader writes it for the projects in their
    scope (never their own province's or a tied unit's), the national administrator may
    transcribe it (naming the leader; the panel's leader by default). Only while the
    project is in review or reviewed. Records `review.group_opinion`."""
    if not permissions.can(actor, ReviewAction.WRITE_GROUP_OPINION, rec):
        raise DomainError(_("Only the group leader can write the expert group's opinion."))
    if (
        not permissions.is_national_admin(actor)
        and not permissions.visible_recommendations(actor).filter(pk=rec.pk).exists()
    ):
        raise DomainError(_("Only the group leader can write the expert group's opinion."))
    text = _opinion_text(opinion)
    when = _date(date, "date")
    locked = _lock_rec(rec)
    if locked.state not in (State.IN_REVIEW, State.REVIEWED):
        raise DomainError(_("The expert group's opinion is written while the project is in review."))
    if permissions.is_national_admin(actor):
        panel = queries.panel_of(locked.round)
        name = (leader or "").strip() or (panel.leader.user.full_name if panel and panel.leader else "")
        if not name:
            raise DomainError(_("Name the group leader (组长)."), field="leader")
    else:
        name = actor.full_name
    data = dict(locked.data or {})
    approval = _approval(data)
    approval["expert_group"] = {"opinion": text, "leader": name, "date": when}
    data["approval"] = approval
    locked.data = data
    locked.save(update_fields=["data"])
    audit.record(
        actor, "review.group_opinion", locked, f"recommendation {locked.pk}", date=when, length=len(text)
    )
    rec.data = locked.data
    return locked


@transaction.atomic
def write_department_opinion(
    rec: Recommendation, *, actor: Any, opinion: str, handler: str, division: str, date: Any = None
) -> Recommendation:
    """Write the department's opinion (部门意见) of 六 into rec.data["approval"]:
    {opinion, handler (经办人), division (处室), date}. The national administrator only, once
    the expert review is complete and until the results are published. Records
    `review.department_opinion`."""
    if not permissions.can(actor, ReviewAction.WRITE_DEPARTMENT_OPINION, rec):
        raise DomainError(_("Only the national administrator can write the department's opinion."))
    text = _opinion_text(opinion)
    handler = (handler or "").strip()
    division = (division or "").strip()
    if not handler:
        raise DomainError(_("Give the handler (经办人)."), field="handler")
    if not division:
        raise DomainError(_("Give the division (处室)."), field="division")
    when = _date(date, "date")
    locked = _lock_rec(rec)
    if locked.state not in (State.REVIEWED, State.SELECTED, State.NOT_SELECTED):
        raise DomainError(_("The department's opinion follows the expert review: complete the review first."))
    panel = queries.panel_of(locked.round)
    if panel is not None and panel.published_at is not None:
        raise DomainError(_("The results of this round are published: the opinions can no longer change."))
    data = dict(locked.data or {})
    approval = _approval(data)
    approval["department"] = {
        "opinion": text,
        "handler": handler[:64],
        "division": division[:100],
        "date": when,
    }
    data["approval"] = approval
    locked.data = data
    locked.save(update_fields=["data"])
    audit.record(
        actor, "review.department_opinion", locked, f"recommendation {locked.pk}", date=when, length=len(text)
    )
    rec.data = locked.data
    return locked
