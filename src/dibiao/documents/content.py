"""Attachment 1 as the renderers see it: one structure that Word, PDF, the print view and the
summary spreadsheet all read, so that they show the same rows, labels and values.

`form_content(rec, version)` reads the database once; everything after it (`FormContent`) is
plain data, cleaned by `sanitise.clean_data`, that can be handed to another process (the
archive renders PDFs in a pool of worker processes that never touch the database).

The form's own labels are the official Chinese ones of the notice (国知发运字〔2021〕20号,
附件1): they are the form, not the product's interface, and are not translated.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dibiao.documents import qr
from dibiao.documents.sanitise import clean_data, clean_text, one_line

# --- the form's fixed text -----------------------------------------------------------------------

TITLE_LINES = ("地理标志运用促进工程", "重点项目推荐书")
ATTACHMENT_MARK = "附件 1"
NUMBER_LABEL = "编号"
COVER_LABELS = ("项目名称：", "实施单位：", "推荐单位：")

# 一、基本信息: (group label, rows); a row is (label, path, label, path), or (label, path)
# for a value that spans the three columns on its right.
BASIC_GROUPS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (
        "实施单位",
        (
            ("单位名称", "implementing_unit.name"),
            (
                "代表人",
                "implementing_unit.representative.name",
                "职　务",
                "implementing_unit.representative.title",
            ),
            ("联系电话", "implementing_unit.phone", "传真号码", "implementing_unit.fax"),
            ("负责人", "implementing_unit.responsible.name", "职　务", "implementing_unit.responsible.title"),
            (
                "固定电话",
                "implementing_unit.responsible.landline",
                "手　机",
                "implementing_unit.responsible.mobile",
            ),
            ("联系人", "implementing_unit.contact.name", "手　机", "implementing_unit.contact.mobile"),
            ("固定电话", "implementing_unit.contact.landline", "传真号码", "implementing_unit.contact.fax"),
            ("通讯地址", "implementing_unit.address", "E-mail", "implementing_unit.email"),
        ),
    ),
    (
        "推荐单位",
        (
            (
                "处室负责人",
                "recommending_unit.division_head.name",
                "手　机",
                "recommending_unit.division_head.mobile",
            ),
            ("工作联系人", "recommending_unit.contact.name", "手　机", "recommending_unit.contact.mobile"),
        ),
    ),
)
GI_HEADERS = ("名称", "权利人", "批准机构", "批准时间", "产地范围")
# 三、项目有关情况: (key, label, guidance in brackets as printed on the form).
LONG_SECTIONS = (
    ("introduction", "项目介绍", "（包括工作背景、基础、意义、目标，项目组织实施方式和工作机制等）"),
    (
        "achievements",
        "工作成果",
        "（围绕用好一件地理标志，打造一个品牌，发展一个产业，造福一方百姓，已经取得的工作成效，"
        "以及未来预期取得的成效。可另附页）",
    ),
    ("practices", "主要做法", "（主要措施和具体实施方式。可另附页）"),
    (
        "safeguards",
        "保障措施",
        "（项目实施的条件保障情况，包括地理标志产品产地政府重视及资金投入情况等。可另附页）",
    ),
)
SECTION_HEADINGS = {
    "basic": "一、基本信息",
    "gis": "二、地理标志",
    "long": "三、项目有关情况",
    "support": "四、推荐单位指导支持事项",
    "opinions": "五、实施和推荐单位意见",
    "approval": "六、批准情况",
}
SUPPORT_GUIDANCE = "（如推荐单位有指导和支持事项，可填写此栏）"
OPINION_LABELS = (("implementing_opinion", "实施单位"), ("recommending_opinion", "推荐单位"))
SEAL = "（公章）"
ATTACHED_PAGES = "附页："
INSTRUCTIONS_TITLE = "填写说明"
INSTRUCTIONS = (
    "一、《推荐书》封面的编号由国家知识产权局填写。",
    "二、“实施单位”为地级行政区知识产权局或省直辖县级行政单位知识产权局。",
    "三、“推荐单位”为省级知识产权局。",
    "四、“负责人”为负责项目实施的直接责任人，“联系人”为负责项目实施具体联系工作的人员。",
    "五、“地理标志”审批如涉及多个部门，请将审批机构和时间信息填报完整。",
    "六、“推荐单位指导支持事项”由省局填写，如无相关支持事项，可不填。",
    "七、“批准情况”由国家知识产权局组织填写。",
)


# --- small formatting helpers --------------------------------------------------------------------


def get_path(data: Any, path: str) -> Any:
    value = data
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def text_at(data: Any, path: str) -> str:
    value = get_path(data, path)
    return "" if value is None or isinstance(value, dict | list) else clean_text(value)


def chinese_date(value: Any) -> str:
    """2021-09-01 → 2021年9月1日 (the official form of a date in a document); text that is
    not an ISO date is shown as it is, and nothing as ""."""
    text = one_line(value)
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return f"{date.year}年{date.month}月{date.day}日"


def paragraphs(value: Any) -> list[str]:
    """A long text as its lines (each a paragraph); no lines for an empty text."""
    text = clean_text(value).rstrip()
    return text.split("\n") if text.strip() else []


# --- the structure -------------------------------------------------------------------------------


@dataclass
class BasicRow:
    group: str  # 实施单位 / 推荐单位
    group_size: int  # rows in the group (the merged cell's height); 0 on the group's later rows
    label: str
    value: str
    label2: str = ""
    value2: str = ""

    @property
    def spans(self) -> bool:
        return not self.label2


@dataclass
class Approval:
    authority: str
    date: str


@dataclass
class GI:
    name: str
    rights_holder: str
    approvals: list[Approval]
    production_area: str

    def joined(self) -> str:
        """名称（权利人；机构 日期、机构 日期；产地范围）: one readable line for a spreadsheet."""
        approvals = "、".join(" ".join(filter(None, (a.authority, a.date))) for a in self.approvals)
        inner = "；".join(filter(None, (self.rights_holder, approvals, self.production_area)))
        return f"{self.name}（{inner}）" if inner else self.name


@dataclass
class LongText:
    key: str
    label: str
    guidance: str
    paragraphs: list[str]
    attachments: list[str]

    @property
    def label_lines(self) -> tuple[str, str]:
        return self.label[:2], self.label[2:]


@dataclass
class Opinion:
    label: str
    paragraphs: list[str]
    signer: str
    date: str  # 2021年9月1日, or "" when not given

    @property
    def date_line(self) -> str:
        return self.date or "年　　月　　日"


@dataclass
class NationalApproval:
    expert_paragraphs: list[str]
    leader: str
    expert_date: str
    department_paragraphs: list[str]
    handler: str
    division: str
    department_date: str

    @property
    def expert_date_line(self) -> str:
        return self.expert_date or "年　　月　　日"

    @property
    def department_date_line(self) -> str:
        return self.department_date or "年　　月　　日"


@dataclass
class FormContent:
    """Everything that is printed on one copy of Attachment 1."""

    rec_id: int
    number: str  # 编号, "" until assigned
    year: int | None
    state: str
    project_name: str
    implementing_unit: str
    recommending_unit: str
    basic_rows: list[BasicRow]
    gis: list[GI]
    long_texts: list[LongText]
    support_paragraphs: list[str]
    opinions: list[Opinion]
    approval: NationalApproval
    # The frozen version this copy shows; None for a draft's current content.
    version: int | None = None
    fingerprint: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    attachment_names: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_frozen(self) -> bool:
        return self.version is not None and bool(self.fingerprint)

    @property
    def payload(self) -> str:
        """What the QR code says; "" for a draft, which has no fingerprint."""
        if not self.is_frozen:
            return ""
        return qr.payload(
            number=self.number or None,
            rec_id=self.rec_id,
            version=self.version or 0,
            fingerprint=self.fingerprint,
        )

    @property
    def year_line(self) -> str:
        return f"（{self.year} 年）" if self.year else "（　　年）"

    @property
    def cover_values(self) -> list[tuple[str, str]]:
        return list(
            zip(
                COVER_LABELS, (self.project_name, self.implementing_unit, self.recommending_unit), strict=True
            )
        )

    @property
    def footer_parts(self) -> list[str]:
        """编号 …, 版本 v…, 指纹 …: the identity of this copy, printed on every page."""
        if not self.is_frozen:
            return ["草稿（未提交，无指纹）"]
        parts = [f"编号 {self.number}"] if self.number else []
        return [*parts, f"版本 v{self.version}", f"指纹 {self.fingerprint}"]

    @property
    def footer_line(self) -> str:
        return "　".join(self.footer_parts)

    @property
    def title(self) -> str:
        return self.project_name or "地理标志运用促进工程重点项目推荐书"


def _attachment_names(items: list[dict[str, Any]]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for item in items:
        names.setdefault(str(item.get("section", "")), []).append(one_line(item.get("name")))
    return names


def build(
    data: dict[str, Any],
    *,
    rec_id: int,
    number: str | None,
    year: int | None,
    state: str,
    attachments: list[dict[str, Any]],
    version: int | None = None,
    fingerprint: str = "",
) -> FormContent:
    """The printed form of `data` (the schema's shape); no database access."""
    data = clean_data(data or {})
    basic_rows = []
    for group, rows in BASIC_GROUPS:
        for index, row in enumerate(rows):
            basic_rows.append(
                BasicRow(
                    group=group,
                    group_size=len(rows) if index == 0 else 0,
                    label=row[0],
                    value=text_at(data, row[1]),
                    label2=row[2] if len(row) > 2 else "",
                    value2=text_at(data, row[3]) if len(row) > 2 else "",
                )
            )
    gis = []
    raw_gis = data.get("geographical_indications")
    for gi in raw_gis if isinstance(raw_gis, list) else []:
        if not isinstance(gi, dict):
            continue
        raw_approvals = gi.get("approvals")
        approvals: list[Any] = raw_approvals if isinstance(raw_approvals, list) else []
        gis.append(
            GI(
                name=text_at(gi, "name"),
                rights_holder=text_at(gi, "rights_holder"),
                approvals=[
                    Approval(text_at(a, "authority"), chinese_date(get_path(a, "date")))
                    for a in approvals
                    if isinstance(a, dict) and (get_path(a, "authority") or get_path(a, "date"))
                ],
                production_area=text_at(gi, "production_area"),
            )
        )
    names = _attachment_names(attachments)
    long_texts = [
        LongText(key, label, guidance, paragraphs(data.get(key)), names.get(key, []))
        for key, label, guidance in LONG_SECTIONS
    ]
    opinions = [
        Opinion(
            label=label,
            paragraphs=paragraphs(get_path(data, f"{key}.text")),
            signer=text_at(data, f"{key}.signer"),
            date=chinese_date(get_path(data, f"{key}.date")),
        )
        for key, label in OPINION_LABELS
    ]
    approval = NationalApproval(
        expert_paragraphs=paragraphs(get_path(data, "approval.expert_group.opinion")),
        leader=text_at(data, "approval.expert_group.leader"),
        expert_date=chinese_date(get_path(data, "approval.expert_group.date")),
        department_paragraphs=paragraphs(get_path(data, "approval.department.opinion")),
        handler=text_at(data, "approval.department.handler"),
        division=text_at(data, "approval.department.division"),
        department_date=chinese_date(get_path(data, "approval.department.date")),
    )
    return FormContent(
        rec_id=rec_id,
        number=one_line(number),
        year=year,
        state=state,
        project_name=one_line(data.get("project_name")),
        implementing_unit=one_line(get_path(data, "implementing_unit.name")),
        recommending_unit=one_line(get_path(data, "recommending_unit.name")),
        basic_rows=basic_rows,
        gis=gis,
        long_texts=long_texts,
        support_paragraphs=paragraphs(data.get("recommender_support")),
        opinions=opinions,
        approval=approval,
        version=version,
        fingerprint=one_line(fingerprint),
        data=data,
        attachment_names=names,
    )


def printable_data(rec: Any, version: Any = None, *, reader: Any = None) -> dict[str, Any]:
    """The form content to print for `rec`: `version`'s if given, else the draft's.

    Section 六 (批准情况) is written by CNIPA after the province froze its version; a copy of
    a frozen version shows it from the recommendation when the version itself has none, to
    the readers who may see it (`recommendations.queries.visible_approval`; no `reader`: the
    national office's own copy). The cover's units fall back to the recommendation's
    organisations where the form lacks them.
    """
    from dibiao.recommendations import queries

    data = dict((version.data if version is not None else rec.data) or {})
    current = rec.data or {}
    if version is not None and not data.get("approval") and current.get("approval"):
        data["approval"] = current["approval"]
    if reader is not None and queries.visible_approval(rec, reader) is None:
        data["approval"] = None
    for key, organisation in (
        ("implementing_unit", rec.implementing_unit),
        ("recommending_unit", rec.province),
    ):
        part = data.get(key)
        if isinstance(part, dict) and not part.get("name"):
            data[key] = {**part, "name": organisation.name}
    return data


def form_content(rec: Any, version: Any = None, *, reader: Any = None) -> FormContent:
    """The copy of `rec` to print: `version` (a Version of it) if given; otherwise a draft's
    current content, or, once submitted, the latest frozen version, which is what the
    province and CNIPA hold."""
    from dibiao.recommendations import queries
    from dibiao.recommendations.choices import State

    if version is None and rec.state != State.DRAFT:
        version = rec.versions.order_by("-number").first()
    if version is None:
        attachments = [
            {"section": a.section, "name": a.original_name}
            for a in queries.active_attachments(rec).order_by("section", "uploaded_at", "pk")
        ]
    else:
        attachments = [entry for entry in (version.attachments or []) if isinstance(entry, dict)]
    return build(
        printable_data(rec, version, reader=reader),
        rec_id=rec.pk,
        number=rec.number,
        year=rec.round.year,
        state=rec.state,
        attachments=attachments,
        version=version.number if version is not None else None,
        fingerprint=version.fingerprint if version is not None else "",
    )
