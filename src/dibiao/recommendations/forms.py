"""The recommendation (推荐书, Attachment 1) as a page: its labels, its layout, and the parsing
of what the page posts.

The main form posts one input per field of the schema, named by its dotted path
(`implementing_unit.contact.mobile`, `geographical_indications.0.approvals.1.date`);
`parse_post` turns those names back into the nested shape of the schema, keeping only the
paths that the poster may write. Validation and normalisation are `schema`'s: a `Problem`
names a dotted path, and `PaperForm` puts its message next to the input of that path.

Labels are the form's official ones. They are English message ids in the context
"attachment 1" (so that no other app's translation of "Title" or "Name" can replace them),
translated to the exact Chinese labels of Attachment 1 in the zh_Hans catalogue.
"""

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dibiao.recommendations import schema
from dibiao.recommendations.choices import LONG_TEXT_SECTIONS, Section

# --- the 填写说明 (filling instructions), each beside the fields it governs ----------------------

RULE_NUMBER = pgettext_lazy(
    "attachment 1", "1. The number on the cover of the recommendation is filled in by CNIPA."
)
RULE_IMPLEMENTING = pgettext_lazy(
    "attachment 1",
    "2. The implementing unit is the IP office of a prefecture-level division or of a "
    "county-level unit directly under a provincial-level government.",
)
RULE_RECOMMENDING = pgettext_lazy("attachment 1", "3. The recommending unit is the provincial IP office.")
RULE_PEOPLE = pgettext_lazy(
    "attachment 1",
    "4. The person responsible is the person directly responsible for carrying out the project; "
    "the contact person handles the project's day-to-day contacts.",
)
RULE_APPROVALS = pgettext_lazy(
    "attachment 1",
    "5. If the geographical indication was approved by several bodies, give every approving "
    "authority and date.",
)
RULE_SUPPORT = pgettext_lazy(
    "attachment 1",
    "6. The guidance and support by the recommending unit is filled in by the provincial office; "
    "it may be left empty if there is none.",
)
RULE_APPROVAL = pgettext_lazy("attachment 1", "7. The approval is filled in under the direction of CNIPA.")

# --- field specifications ----------------------------------------------------------------------

GI = "geographical_indications"
GI_PLACEHOLDER = "__gi__"
APPROVAL_PLACEHOLDER = "__ap__"


@dataclass(frozen=True)
class Spec:
    """One input of the form. `path` is dotted; GI fields use `{gi}` and `{ap}` for indexes."""

    path: str
    label: Promise | str
    kind: str = "text"  # text, textarea, tel, email, date
    maxlength: int | None = None
    placeholder: Promise | str = ""


def _spec_map(specs: Iterable[Spec]) -> dict[str, Spec]:
    return {spec.path: spec for spec in specs}


PROJECT_NAME = Spec("project_name", pgettext_lazy("attachment 1", "Project name"), maxlength=200)

UNIT_NAME = Spec("implementing_unit.name", pgettext_lazy("attachment 1", "Unit name"))

LANDLINE_HINT = _("e.g. 010-62086080")
MOBILE_HINT = _("11 digits, e.g. 13800000000")

UNIT_SPECS = _spec_map(
    [
        Spec("implementing_unit.representative.name", pgettext_lazy("attachment 1", "Representative")),
        Spec("implementing_unit.representative.title", pgettext_lazy("attachment 1", "Title")),
        Spec("implementing_unit.phone", pgettext_lazy("attachment 1", "Telephone"), "tel", 32, LANDLINE_HINT),
        Spec("implementing_unit.fax", pgettext_lazy("attachment 1", "Fax"), "tel", 32, LANDLINE_HINT),
        Spec("implementing_unit.responsible.name", pgettext_lazy("attachment 1", "Person responsible")),
        Spec("implementing_unit.responsible.title", pgettext_lazy("attachment 1", "Title")),
        Spec(
            "implementing_unit.responsible.landline",
            pgettext_lazy("attachment 1", "Landline"),
            "tel",
            32,
            LANDLINE_HINT,
        ),
        Spec(
            "implementing_unit.responsible.mobile",
            pgettext_lazy("attachment 1", "Mobile"),
            "tel",
            32,
            MOBILE_HINT,
        ),
        Spec("implementing_unit.contact.name", pgettext_lazy("attachment 1", "Contact person")),
        Spec(
            "implementing_unit.contact.mobile",
            pgettext_lazy("attachment 1", "Mobile"),
            "tel",
            32,
            MOBILE_HINT,
        ),
        Spec(
            "implementing_unit.contact.landline",
            pgettext_lazy("attachment 1", "Landline"),
            "tel",
            32,
            LANDLINE_HINT,
        ),
        Spec("implementing_unit.contact.fax", pgettext_lazy("attachment 1", "Fax"), "tel", 32, LANDLINE_HINT),
        Spec("implementing_unit.address", pgettext_lazy("attachment 1", "Postal address")),
        Spec("implementing_unit.email", pgettext_lazy("attachment 1", "E-mail"), "email", 254),
    ]
)

# 一、基本信息, 实施单位, row by row as on paper (the unit's name comes first, from the account).
UNIT_ROWS: list[tuple[str, str]] = [
    ("implementing_unit.representative.name", "implementing_unit.representative.title"),
    ("implementing_unit.phone", "implementing_unit.fax"),
    ("implementing_unit.responsible.name", "implementing_unit.responsible.title"),
    ("implementing_unit.responsible.landline", "implementing_unit.responsible.mobile"),
    ("implementing_unit.contact.name", "implementing_unit.contact.mobile"),
    ("implementing_unit.contact.landline", "implementing_unit.contact.fax"),
    ("implementing_unit.address", "implementing_unit.email"),
]
# Rows that 填写说明 四 explains.
RULE_PEOPLE_ROWS = {1 + 2, 1 + 4}  # 1-based row numbers of 负责人 and 联系人 (after 单位名称)

PROVINCE_SPECS = _spec_map(
    [
        Spec("recommending_unit.division_head.name", pgettext_lazy("attachment 1", "Head of division")),
        Spec(
            "recommending_unit.division_head.mobile",
            pgettext_lazy("attachment 1", "Mobile"),
            "tel",
            32,
            MOBILE_HINT,
        ),
        Spec("recommending_unit.contact.name", pgettext_lazy("attachment 1", "Working contact")),
        Spec(
            "recommending_unit.contact.mobile",
            pgettext_lazy("attachment 1", "Mobile"),
            "tel",
            32,
            MOBILE_HINT,
        ),
    ]
)
PROVINCE_ROWS: list[tuple[str, str]] = [
    ("recommending_unit.division_head.name", "recommending_unit.division_head.mobile"),
    ("recommending_unit.contact.name", "recommending_unit.contact.mobile"),
]

GI_SPECS = _spec_map(
    [
        Spec(GI + ".{gi}.name", pgettext_lazy("attachment 1", "Name")),
        Spec(GI + ".{gi}.rights_holder", pgettext_lazy("attachment 1", "Rights holder")),
        Spec(GI + ".{gi}.production_area", pgettext_lazy("attachment 1", "Production area"), "textarea"),
        Spec(GI + ".{gi}.approvals.{ap}.authority", pgettext_lazy("attachment 1", "Approving authority")),
        Spec(GI + ".{gi}.approvals.{ap}.date", pgettext_lazy("attachment 1", "Approval date"), "date"),
    ]
)
GI_FIELDS = ("name", "rights_holder", "production_area")
APPROVAL_FIELDS = ("authority", "date")


@dataclass(frozen=True)
class LongText:
    spec: Spec
    section: Section
    guidance: Promise


LONG_TEXTS: list[LongText] = [
    LongText(
        Spec("introduction", pgettext_lazy("attachment 1", "Project introduction"), "textarea"),
        Section.INTRODUCTION,
        pgettext_lazy(
            "attachment 1",
            "(Including the background, foundation, significance and goals of the work, how the "
            "project is organised and carried out, its working mechanism, etc.)",
        ),
    ),
    LongText(
        Spec("achievements", pgettext_lazy("attachment 1", "Results"), "textarea"),
        Section.ACHIEVEMENTS,
        pgettext_lazy(
            "attachment 1",
            "(Around making good use of one geographical indication, building one brand, developing "
            "one industry and benefiting the people of one area: the results achieved so far and "
            "those expected. Pages may be attached.)",
        ),
    ),
    LongText(
        Spec("practices", pgettext_lazy("attachment 1", "Main measures"), "textarea"),
        Section.PRACTICES,
        pgettext_lazy(
            "attachment 1", "(The main measures and how they are carried out. Pages may be attached.)"
        ),
    ),
    LongText(
        Spec("safeguards", pgettext_lazy("attachment 1", "Safeguards"), "textarea"),
        Section.SAFEGUARDS,
        pgettext_lazy(
            "attachment 1",
            "(The conditions that secure the project, including the attention and funding of the "
            "government of the GI product's area. Pages may be attached.)",
        ),
    ),
]
assert [text.section for text in LONG_TEXTS] == list(LONG_TEXT_SECTIONS)

SUPPORT = Spec("recommender_support", pgettext_lazy("attachment 1", "Guidance and support"), "textarea")
SUPPORT_GUIDANCE = pgettext_lazy(
    "attachment 1", "(If the recommending unit gives guidance and support, fill in this field.)"
)

OPINION_LABELS = {
    "text": pgettext_lazy("attachment 1", "Opinion"),
    "signer": pgettext_lazy("attachment 1", "Signature"),
    "date": pgettext_lazy("attachment 1", "Date"),
}

HEADINGS = {
    "title": pgettext_lazy(
        "attachment 1", "Recommendation of a key project of the GI application promotion programme"
    ),
    "number": pgettext_lazy("attachment 1", "Number"),
    "implementing_unit": pgettext_lazy("attachment 1", "Implementing unit"),
    "recommending_unit": pgettext_lazy("attachment 1", "Recommending unit"),
    "basic": pgettext_lazy("attachment 1", "1. Basic information"),
    "gis": pgettext_lazy("attachment 1", "2. Geographical indications"),
    "about": pgettext_lazy("attachment 1", "3. About the project"),
    "support": pgettext_lazy("attachment 1", "4. Guidance and support by the recommending unit"),
    "opinions": pgettext_lazy("attachment 1", "5. Opinions of the implementing and recommending units"),
    "approval": pgettext_lazy("attachment 1", "6. Approval"),
    "expert_group": pgettext_lazy("attachment 1", "Expert group opinion"),
    "leader": pgettext_lazy("attachment 1", "Group leader"),
    "department": pgettext_lazy("attachment 1", "Department opinion"),
    "handler": pgettext_lazy("attachment 1", "Handler"),
    "division": pgettext_lazy("attachment 1", "Division"),
    "seal": pgettext_lazy("attachment 1", "Official seal"),
    "rules": pgettext_lazy("attachment 1", "Filling instructions"),
}

# --- reading nested data -----------------------------------------------------------------------


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path of nested dicts and lists, or None."""
    value = data
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path of nested dicts (no lists), creating the dicts on the way."""
    *parents, last = path.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[last] = value


def display(value: Any) -> str:
    return "" if value is None else str(value)


def anchor_for(path: str) -> str:
    """The id of a path's input: `f-implementing_unit-contact-mobile`."""
    return "f-" + path.replace(".", "-")


# --- parsing what the page posts ---------------------------------------------------------------

UNIT = "unit"  # the implementing unit's parts: cover, 一 (its half), 二, 三
PROVINCE = "province"  # the recommending unit's half of 一

# The recommending unit's half of 一 is the province's to confirm when it recommends. Where
# the submission already requires it (schema.REQUIRED_FIELDS), the unit writes it in its draft
# too, and the province corrects it when recommending.
UNIT_WRITES_PROVINCE_PART = any(path in schema.REQUIRED_FIELDS for path in PROVINCE_SPECS)

SCOPE_PATHS = {
    UNIT: [
        PROJECT_NAME.path,
        *UNIT_SPECS,
        *(PROVINCE_SPECS if UNIT_WRITES_PROVINCE_PART else ()),
        *(text.spec.path for text in LONG_TEXTS),
    ],
    PROVINCE: list(PROVINCE_SPECS),
}
GI_FIELD_RE = re.compile(r"^geographical_indications\.(\d{1,3})\.(name|rights_holder|production_area)$")
APPROVAL_FIELD_RE = re.compile(
    r"^geographical_indications\.(\d{1,3})\.approvals\.(\d{1,3})\.(authority|date)$"
)
# A hidden input that says "this page carries section 二", so that removing every GI posts.
GI_MARKER = "geographical_indications"


def parse_gis(post: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The GIs of a post, in the order of their indexes (gaps closed), each with its approvals."""
    gis: dict[int, dict[str, Any]] = {}
    approvals: dict[int, dict[int, dict[str, Any]]] = {}
    for name in post:
        if match := GI_FIELD_RE.match(name):
            index, key = int(match[1]), match[2]
            gis.setdefault(index, {})[key] = post.get(name)
        elif match := APPROVAL_FIELD_RE.match(name):
            index, sub, key = int(match[1]), int(match[2]), match[3]
            gis.setdefault(index, {})
            approvals.setdefault(index, {}).setdefault(sub, {})[key] = post.get(name)
    result = []
    for index in sorted(gis):
        gi = {key: gis[index].get(key, "") for key in GI_FIELDS}
        gi["approvals"] = [
            {key: approval.get(key, "") for key in APPROVAL_FIELDS}
            for _, approval in sorted(approvals.get(index, {}).items())
        ]
        result.append(gi)
    return result


def parse_post(post: Mapping[str, Any], scope: str) -> dict[str, Any]:
    """The fields of `scope` that `post` carries, as a partial nested dict.

    Only known paths are read: a posted `number`, `implementing_unit.name` or any other name is
    ignored, so the cover's 编号 and the units' names can never be written from the page.
    """
    patch: dict[str, Any] = {}
    for path in SCOPE_PATHS[scope]:
        if path in post:
            set_path(patch, path, post.get(path))
    if scope == UNIT and GI_MARKER in post:
        patch[GI] = parse_gis(post)
    return patch


def merge(data: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """`data` with the leaves of `patch` written over it; lists in `patch` replace whole lists."""
    merged = deepcopy(dict(data))

    def walk(target: dict[str, Any], source: Mapping[str, Any]) -> None:
        for key, value in source.items():
            if isinstance(value, Mapping):
                child = target.get(key)
                if not isinstance(child, dict):
                    child = {}
                    target[key] = child
                walk(child, value)
            else:
                target[key] = deepcopy(value)

    walk(merged, patch)
    return merged


# Buttons that change the shape of section 二 without JavaScript (the script does the same in
# place). Removals apply before saving, additions after (an empty row may not survive saving).
def remove_gi(data: dict[str, Any], index: int) -> None:
    gis = data.get(GI) or []
    if 0 <= index < len(gis):
        del gis[index]


def remove_approval(data: dict[str, Any], index: int, sub: int) -> None:
    gis = data.get(GI) or []
    if 0 <= index < len(gis):
        approvals = gis[index].get("approvals") or []
        if 0 <= sub < len(approvals):
            del approvals[sub]


def add_gi(data: dict[str, Any]) -> None:
    data.setdefault(GI, [])
    if not isinstance(data[GI], list):
        data[GI] = []
    data[GI].append(empty_gi())


def add_approval(data: dict[str, Any], index: int) -> None:
    gis = data.get(GI) or []
    if 0 <= index < len(gis):
        gis[index].setdefault("approvals", [])
        gis[index]["approvals"].append(empty_approval())


def empty_approval() -> dict[str, Any]:
    return dict.fromkeys(APPROVAL_FIELDS, "")


def empty_gi() -> dict[str, Any]:
    return {**dict.fromkeys(GI_FIELDS, ""), "approvals": [empty_approval()]}


# --- labels of any path (for problem summaries and the version diff) ---------------------------

INDEX_RE = re.compile(r"\.(\d+)(?=\.|$)")


def generic_path(path: str) -> tuple[str, list[int]]:
    """`geographical_indications.1.approvals.0.date` → (`...{gi}.approvals.{ap}.date`, [1, 0])."""
    indexes = [int(match) for match in INDEX_RE.findall(path)]
    generic = path
    for placeholder in ("{gi}", "{ap}")[: len(indexes)]:
        generic = INDEX_RE.sub("." + placeholder, generic, count=1)
    return generic, indexes


ALL_SPECS: dict[str, Spec] = {
    PROJECT_NAME.path: PROJECT_NAME,
    UNIT_NAME.path: UNIT_NAME,
    **UNIT_SPECS,
    **PROVINCE_SPECS,
    **GI_SPECS,
    **{text.spec.path: text.spec for text in LONG_TEXTS},
    SUPPORT.path: SUPPORT,
}

APPROVAL_LABELS = {
    "expert_group.opinion": HEADINGS["expert_group"],
    "expert_group.leader": HEADINGS["leader"],
    "expert_group.date": pgettext_lazy("attachment 1", "Date of the expert group opinion"),
    "department.opinion": HEADINGS["department"],
    "department.handler": HEADINGS["handler"],
    "department.division": HEADINGS["division"],
    "department.date": pgettext_lazy("attachment 1", "Date of the department opinion"),
}

GROUP_LABELS = {
    "implementing_unit": HEADINGS["implementing_unit"],
    "recommending_unit": HEADINGS["recommending_unit"],
    "implementing_opinion": pgettext_lazy("attachment 1", "Opinion of the implementing unit"),
    "recommending_opinion": pgettext_lazy("attachment 1", "Opinion of the recommending unit"),
}


def label_for(path: str) -> str:
    """A reader's name for a dotted path: 实施单位 · 联系人 · 手机, 二、地理标志 第2项 · 批准时间."""
    generic, indexes = generic_path(path)
    spec = ALL_SPECS.get(generic)
    if generic.startswith(GI):
        parts = [str(HEADINGS["gis"])]
        if indexes:
            parts.append(gettext("No. %(n)s") % {"n": indexes[0] + 1})
        if len(indexes) > 1:
            parts.append(gettext("approval %(n)s") % {"n": indexes[1] + 1})
        if spec is not None:
            parts.append(str(spec.label))
        return " · ".join(parts)
    head = path.split(".", 1)[0]
    if head == "approval":
        leaf = path.split(".", 1)[1] if "." in path else ""
        return " · ".join(
            [str(HEADINGS["approval"])] + ([str(APPROVAL_LABELS[leaf])] if leaf in APPROVAL_LABELS else [])
        )
    if head in ("implementing_opinion", "recommending_opinion"):
        leaf = path.rsplit(".", 1)[-1]
        return " · ".join(
            [str(GROUP_LABELS[head])] + ([str(OPINION_LABELS[leaf])] if leaf in OPINION_LABELS else [])
        )
    if spec is None:
        return path
    if head in ("implementing_unit", "recommending_unit"):
        owner = spec.path.split(".")[1] if spec.path.count(".") == 2 else ""
        owner_label = str(ALL_SPECS[f"{head}.{owner}.name"].label) if owner else ""
        parts = [str(GROUP_LABELS[head])]
        if owner_label and owner_label != str(spec.label):
            parts.append(owner_label)
        parts.append(str(spec.label))
        return " · ".join(parts)
    return str(spec.label)


# --- the form on the page ----------------------------------------------------------------------


@dataclass
class BoundField:
    """One input (or, when not editable, one value) of the page, with its errors."""

    spec: Spec
    name: str
    value: str
    editable: bool
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def id(self) -> str:
        return anchor_for(self.name)

    @property
    def label(self) -> Promise | str:
        return self.spec.label

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def is_textarea(self) -> bool:
        return self.spec.kind == "textarea"

    @property
    def input_type(self) -> str:
        return self.spec.kind if self.spec.kind in ("tel", "email", "date") else "text"


@dataclass
class ApprovalBlock:
    index: int | str
    authority: BoundField
    date: BoundField


@dataclass
class GIBlock:
    index: int | str
    name: BoundField
    rights_holder: BoundField
    production_area: BoundField
    approvals: list[ApprovalBlock]
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def number(self) -> int | str:
        return self.index + 1 if isinstance(self.index, int) else ""


@dataclass
class LongTextBlock:
    field: BoundField
    section: str
    section_label: Promise | str
    guidance: Promise
    attachments: list[Any]
    upload_errors: list[str] = dataclasses.field(default_factory=list)


@dataclass
class ProblemLine:
    field: str
    label: str
    message: str
    anchor: str


class PaperForm:
    """Attachment 1 laid out as on paper, for a page that edits (part of) it or only shows it.

    `editable` names the scopes (UNIT, PROVINCE) whose inputs are offered; everything else is
    shown as text. `problems` are `schema.Problem`s: each message lands next to its input, or,
    for a path without an input of its own, in the section it belongs to or the summary.
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        problems: Iterable[Any] = (),
        editable: Iterable[str] = (),
        attachments: Mapping[str, list[Any]] | None = None,
    ) -> None:
        self.data = data
        self.editable = frozenset(editable)
        can_unit = UNIT in self.editable
        can_province = PROVINCE in self.editable
        self.fields: dict[str, BoundField] = {}
        self.project_name = self._bind(PROJECT_NAME, PROJECT_NAME.path, can_unit)
        self.unit_name = self._bind(UNIT_NAME, UNIT_NAME.path, False)
        self.unit_rows = [
            (self._bind(UNIT_SPECS[left], left, can_unit), self._bind(UNIT_SPECS[right], right, can_unit))
            for left, right in UNIT_ROWS
        ]
        province_editable = can_province or (can_unit and UNIT_WRITES_PROVINCE_PART)
        self.province_rows = [
            (
                self._bind(PROVINCE_SPECS[left], left, province_editable),
                self._bind(PROVINCE_SPECS[right], right, province_editable),
            )
            for left, right in PROVINCE_ROWS
        ]
        found = data.get(GI)
        gis: list[Any] = found if isinstance(found, list) else []
        if can_unit and not gis:
            gis = [empty_gi()]
        self.gis = [self._gi_block(index, gi, can_unit) for index, gi in enumerate(gis)]
        self.gi_template = self._gi_block(GI_PLACEHOLDER, empty_gi(), True, register=False)
        self.approval_template = self._approval_block(
            GI_PLACEHOLDER, APPROVAL_PLACEHOLDER, empty_approval(), True, register=False
        )
        attachments = attachments or {}
        self.long_texts = [
            LongTextBlock(
                self._bind(text.spec, text.spec.path, can_unit),
                text.section.value,
                text.section.label,
                text.guidance,
                list(attachments.get(text.section.value, [])),
            )
            for text in LONG_TEXTS
        ]
        self.support = self._bind(SUPPORT, SUPPORT.path, False)
        self.opinions = {
            key: {part: display(get_path(data, f"{key}.{part}")) for part in OPINION_LABELS}
            for key in ("implementing_opinion", "recommending_opinion")
        }
        self.seals = {
            "implementing_opinion": list(attachments.get(Section.IMPLEMENTING_SEAL.value, [])),
            "recommending_opinion": list(attachments.get(Section.RECOMMENDING_SEAL.value, [])),
        }
        self.gi_errors: list[str] = []
        self.other_problems: list[ProblemLine] = []
        self.problems: list[ProblemLine] = []
        for problem in problems:
            self._place(problem)

    # -- building ---------------------------------------------------------------------------------

    def _bind(self, spec: Spec, name: str, editable: bool, *, register: bool = True) -> BoundField:
        bound = BoundField(spec, name, display(get_path(self.data, name)) if register else "", editable)
        if register:
            self.fields[name] = bound
        return bound

    def _approval_block(
        self,
        index: int | str,
        sub: int | str,
        approval: Mapping[str, Any],
        editable: bool,
        *,
        register: bool = True,
    ) -> ApprovalBlock:
        def bind(key: str) -> BoundField:
            spec = GI_SPECS[f"{GI}.{{gi}}.approvals.{{ap}}.{key}"]
            name = f"{GI}.{index}.approvals.{sub}.{key}"
            bound = BoundField(spec, name, display(approval.get(key)) if register else "", editable)
            if register:
                self.fields[name] = bound
            return bound

        return ApprovalBlock(sub, bind("authority"), bind("date"))

    def _gi_block(
        self, index: int | str, gi: Mapping[str, Any], editable: bool, *, register: bool = True
    ) -> GIBlock:
        def bind(key: str) -> BoundField:
            name = f"{GI}.{index}.{key}"
            bound = BoundField(GI_SPECS[f"{GI}.{{gi}}.{key}"], name, display(gi.get(key)), editable)
            if register:
                self.fields[name] = bound
            return bound

        listed = gi.get("approvals")
        approvals: list[Any] = listed if isinstance(listed, list) else []
        if editable and not approvals:
            approvals = [empty_approval()]
        return GIBlock(
            index,
            bind("name"),
            bind("rights_holder"),
            bind("production_area"),
            [
                self._approval_block(index, sub, approval, editable, register=register)
                for sub, approval in enumerate(approvals)
            ],
        )

    def _place(self, problem: Any) -> None:
        path, message = str(problem.field), str(problem.message)
        bound = self.fields.get(path)
        line = ProblemLine(path, label_for(path), message, f"#{bound.id}" if bound else "")
        self.problems.append(line)
        if bound is not None:
            bound.errors.append(message)
            return
        generic, indexes = generic_path(path)
        if generic.startswith(GI):
            if indexes and indexes[0] < len(self.gis):
                self.gis[indexes[0]].errors.append(message)
            else:
                self.gi_errors.append(message)
            return
        self.other_problems.append(line)

    # -- reading ----------------------------------------------------------------------------------

    @property
    def errors_by_field(self) -> dict[str, list[str]]:
        return {name: bound.errors for name, bound in self.fields.items() if bound.errors}

    @property
    def has_problems(self) -> bool:
        return bool(self.problems)

    @property
    def can_edit_unit(self) -> bool:
        return UNIT in self.editable

    @property
    def can_edit_province(self) -> bool:
        return PROVINCE in self.editable

    @property
    def unit_writes_province_part(self) -> bool:
        return UNIT in self.editable and UNIT_WRITES_PROVINCE_PART


def problems_as_dict(problems: Iterable[Any]) -> dict[str, list[str]]:
    """Problems by dotted path, for the autosave's JSON."""
    result: dict[str, list[str]] = {}
    for problem in problems:
        result.setdefault(str(problem.field), []).append(str(problem.message))
    return result


# --- the forms of the actions ------------------------------------------------------------------


class ReasonForm(forms.Form):
    """Return, withdraw, return to the province: each needs a reason."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The implementing unit or province reads this reason with the notice."),
    )


class OpinionForm(forms.Form):
    """五、意见: the unit confirms with its opinion, a signer and a date, and the sealed page."""

    seal_section: Section = Section.IMPLEMENTING_SEAL

    opinion_text = forms.CharField(
        label=pgettext_lazy("attachment 1", "Opinion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    opinion_signer = forms.CharField(label=pgettext_lazy("attachment 1", "Signature"), max_length=64)
    opinion_date = forms.DateField(
        label=pgettext_lazy("attachment 1", "Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sealed_page = forms.FileField(
        label=_("Sealed page (scan)"),
        required=False,
        help_text=_("The page of this opinion with the official seal, scanned: PDF, JPEG or PNG."),
    )

    def __init__(self, *args: Any, has_seal: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_seal = has_seal
        if has_seal:
            self.fields["sealed_page"].help_text = _(
                "A sealed page is already attached; upload another only to replace it."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.has_seal and not cleaned.get("sealed_page") and "sealed_page" not in self.errors:
            self.add_error("sealed_page", _("Upload the sealed page."))
        return cleaned

    def opinion(self) -> dict[str, str]:
        return {
            "text": self.cleaned_data["opinion_text"],
            "signer": self.cleaned_data["opinion_signer"],
            "date": self.cleaned_data["opinion_date"].isoformat(),
        }


class SubmitForm(OpinionForm):
    seal_section = Section.IMPLEMENTING_SEAL


class RecommendForm(OpinionForm):
    """The province's part: 一 (its half), 四 and its opinion with the sealed page."""

    seal_section = Section.RECOMMENDING_SEAL

    support = forms.CharField(
        label=pgettext_lazy("attachment 1", "4. Guidance and support by the recommending unit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=RULE_SUPPORT,
    )

    field_order = ["support", "opinion_text", "opinion_signer", "opinion_date", "sealed_page"]


# --- comparing two versions --------------------------------------------------------------------


@dataclass
class DiffRow:
    path: str
    label: str
    a: str
    b: str
    long: bool = False
    segments: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.a != self.b


LONG_PATHS = {
    *(text.spec.path for text in LONG_TEXTS),
    SUPPORT.path,
    "implementing_opinion.text",
    "recommending_opinion.text",
    "approval.expert_group.opinion",
    "approval.department.opinion",
}


def form_paths(*datas: Mapping[str, Any]) -> list[str]:
    """Every field of the form in the order of the paper, GIs and approvals as many as the
    fullest of `datas` has."""
    paths = [PROJECT_NAME.path, UNIT_NAME.path]
    for left, right in UNIT_ROWS:
        paths += [left, right]
    for left, right in PROVINCE_ROWS:
        paths += [left, right]

    def gis_of(data: Mapping[str, Any]) -> list[Any]:
        gis = data.get(GI)
        return gis if isinstance(gis, list) else []

    for i in range(max((len(gis_of(data)) for data in datas), default=0)):
        paths += [f"{GI}.{i}.name", f"{GI}.{i}.rights_holder"]
        approvals = max(
            (len(get_path(data, f"{GI}.{i}.approvals") or []) for data in datas if i < len(gis_of(data))),
            default=0,
        )
        for j in range(approvals):
            paths += [f"{GI}.{i}.approvals.{j}.authority", f"{GI}.{i}.approvals.{j}.date"]
        paths.append(f"{GI}.{i}.production_area")
    paths += [text.spec.path for text in LONG_TEXTS]
    paths.append(SUPPORT.path)
    for key in ("implementing_opinion", "recommending_opinion"):
        paths += [f"{key}.{part}" for part in OPINION_LABELS]
    paths += [f"approval.{leaf}" for leaf in APPROVAL_LABELS]
    return paths


def text_segments(a: str, b: str) -> list[tuple[str, str]]:
    """What changed from `a` to `b`: ("equal"|"delete"|"insert", text) pieces, paragraph by
    paragraph, and character by character inside a changed paragraph."""
    pieces: list[tuple[str, str]] = []
    lines_a, lines_b = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False).get_opcodes():
        old, new = "".join(lines_a[i1:i2]), "".join(lines_b[j1:j2])
        if op == "equal":
            pieces.append(("equal", old))
        elif op == "replace" and len(old) + len(new) <= 6000:
            matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
            for cop, k1, k2, l1, l2 in matcher.get_opcodes():
                if cop == "equal":
                    pieces.append(("equal", old[k1:k2]))
                if cop in ("delete", "replace"):
                    pieces.append(("delete", old[k1:k2]))
                if cop in ("insert", "replace"):
                    pieces.append(("insert", new[l1:l2]))
        else:
            if old:
                pieces.append(("delete", old))
            if new:
                pieces.append(("insert", new))
    return pieces


def _attachment_line(item: Mapping[str, Any]) -> str:
    return f"{item.get('name', '')} ({str(item.get('sha256', ''))[:8]})"


def diff_rows(a: Any, b: Any) -> list[DiffRow]:
    """Version `a` against version `b`, field by field, then the attached files by section."""
    rows = []
    for path in form_paths(a.data, b.data):
        old, new = display(get_path(a.data, path)), display(get_path(b.data, path))
        long = path in LONG_PATHS
        row = DiffRow(path, label_for(path), old, new, long=long)
        if long and row.changed:
            row.segments = text_segments(old, new)
        rows.append(row)
    for section in Section:
        old_files = [_attachment_line(item) for item in a.attachments if item.get("section") == section.value]
        new_files = [_attachment_line(item) for item in b.attachments if item.get("section") == section.value]
        rows.append(
            DiffRow(
                f"attachments.{section.value}", str(section.label), "\n".join(old_files), "\n".join(new_files)
            )
        )
    return rows
