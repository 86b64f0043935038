"""The recommendation's content as data: the shape of data/recommendation.schema.json.

Three steps, used by the form, the imports and the API alike:

1. `normalise(data)` turns what people type into the schema's canonical form (phones,
   e-mail, dates), keeping anything it cannot understand exactly as typed, so nothing is lost;
2. `validate(data, for_submission=...)` lists every problem as a `Problem` (dotted field path
   and a message for the user): format problems always, missing fields only on submission;
3. the stored form is the normalised data without `number` and `year` (columns of the row).

The phone and date helpers raise `ValueError` with a message for the user; the Word import
shares them.
"""

import datetime as dt
import json
import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

PROJECT_NAME_MAX = 200
LONG_TEXTS = ("introduction", "achievements", "practices", "safeguards")
# The form's parts that only the recommending provincial unit or the national office write.
PROVINCE_PARTS = ("recommender_support", "recommending_opinion")
NATIONAL_PARTS = ("approval",)

LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")

# Dashes people type in phone numbers and dates (the notice itself writes 010—62086080).
DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹘﹣－~～"), "-")
EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
COUNTRY_CODE = re.compile(r"^(?:\+\s*86|0086)[\s\-]*")


@dataclass(frozen=True)
class Problem:
    """One problem with one field: `field` is a dotted path such as
    `geographical_indications.0.approvals.1.date`; `message` is for the user."""

    field: str
    message: str


# --- the shape ---------------------------------------------------------------------------------


def empty_approval() -> dict[str, Any]:
    return {"authority": None, "date": None}


def empty_gi() -> dict[str, Any]:
    return {"name": "", "rights_holder": None, "approvals": [empty_approval()], "production_area": None}


def empty_opinion() -> dict[str, Any]:
    return {"text": None, "signer": None, "date": None}


def empty_data() -> dict[str, Any]:
    """The schema's shape with nothing filled in: one GI with one empty approval."""
    return {
        "project_name": "",
        "implementing_unit": {
            "name": "",
            "representative": {"name": None, "title": None},
            "phone": None,
            "fax": None,
            "responsible": {"name": None, "title": None, "landline": None, "mobile": None},
            "contact": {"name": None, "mobile": None, "landline": None, "fax": None},
            "address": None,
            "email": None,
        },
        "recommending_unit": {
            "name": None,
            "division_head": {"name": None, "mobile": None},
            "contact": {"name": None, "mobile": None},
        },
        "geographical_indications": [empty_gi()],
        "introduction": "",
        "achievements": "",
        "practices": "",
        "safeguards": "",
        "recommender_support": None,
        "implementing_opinion": empty_opinion(),
        "recommending_opinion": empty_opinion(),
        "approval": None,
    }


@cache
def json_schema() -> dict[str, Any]:
    path = settings.DATA_DIR / "recommendation.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def schema_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


# --- single values -----------------------------------------------------------------------------


def _fold(value: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms; dashes to '-'."""
    return unicodedata.normalize("NFKC", value).translate(DASHES).strip()


def normalise_landline(value: str) -> str:
    """A Chinese landline (or fax) as area code, hyphen, number and -extension.

    Accepts full-width characters, spaces, hyphens or dashes, brackets around the area code,
    +86 / 0086 before it, and 转/分机/ext before an extension:
    "(010) 6208 6080" → "010-62086080"; "0551 6512 3456 转 8" → "0551-65123456-8".
    Raises ValueError with a message for the user when the number cannot be read.
    """
    text = _fold(value)
    extension = ""
    if match := EXTENSION.search(text):
        extension = match.group(1)
        text = text[: match.start()]
    international = COUNTRY_CODE.match(text)
    if international:
        text = text[international.end() :]
    groups = [group for group in re.split(r"[\s\-()\[\]【】.]+", text) if group]
    if not groups or not all(group.isascii() and group.isdigit() for group in groups):
        raise ValueError(_("Enter a landline number with its area code, e.g. 010-62086080."))
    if international and not groups[0].startswith("0"):
        groups[0] = "0" + groups[0]
    digits = "".join(groups)
    if len(digits) < 3 or not digits.startswith("0") or digits.startswith("00"):
        raise ValueError(_("Enter a landline number with its area code, e.g. 010-62086080."))
    # Beijing (010) and the 02x cities have two-digit area codes; all others have three.
    area_length = 3 if digits[1] in "12" else 4
    boundaries = set()
    position = 0
    for group in groups:
        position += len(group)
        boundaries.add(position)
    rest = len(digits) - area_length
    if rest in (7, 8) and not extension:
        local_end = len(digits)
    else:
        # A trailing group after the number is its extension: 010-62086080-123.
        candidates = [area_length + n for n in (8, 7) if area_length + n in boundaries]
        if not candidates:
            raise ValueError(_("A landline number has 7 or 8 digits after the area code."))
        local_end = candidates[0]
    local = digits[area_length:local_end]
    trailing = digits[local_end:]
    if trailing:
        if extension or len(trailing) > 6:
            raise ValueError(_("A landline number has 7 or 8 digits after the area code."))
        extension = trailing
    if len(local) not in (7, 8):
        raise ValueError(_("A landline number has 7 or 8 digits after the area code."))
    result = f"{digits[:area_length]}-{local}" + (f"-{extension}" if extension else "")
    if not LANDLINE.match(result):
        raise ValueError(_("Enter a landline number with its area code, e.g. 010-62086080."))
    return result


def normalise_mobile(value: str) -> str:
    """A mainland mobile number as its 11 digits: "138 0013 8000" or "+86 13800138000" →
    "13800138000". Raises ValueError with a message for the user."""
    digits = re.sub(r"[\s\-()\[\]【】.]+", "", _fold(value))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits.removeprefix(prefix)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not (digits.isascii() and MOBILE.match(digits)):
        raise ValueError(_("Enter an 11-digit mobile number starting with 1, e.g. 13800138000."))
    return digits


CHINESE_DIGITS = dict(zip("〇零一二三四五六七八九", [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], strict=True))
DATE_FORMS = (
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _chinese_number(text: str) -> str:
    """'二〇二一' → '2021', '十二' → '12', '二十六' → '26'; anything else unchanged."""
    if not text or any(ch not in CHINESE_DIGITS and ch != "十" for ch in text):
        return text
    if "十" not in text:
        return "".join(str(CHINESE_DIGITS[ch]) for ch in text)
    tens, _sep, ones = text.partition("十")
    value = (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)
    return str(value)


def parse_date(value: str) -> dt.date:
    """A date as people write it: 2021-09-06, 2021-9-6, 2021年9月6日, 2021.9.6, 2021/9/6,
    二〇二一年九月六日. Raises ValueError with a message for the user, also for dates that
    do not exist (2021-02-30)."""
    text = _fold(str(value))
    match = re.match(r"^(.+?)年(.+?)月(.+?)[日号]?$", text)
    if match:
        text = "{}年{}月{}日".format(*(_chinese_number(part.strip()) for part in match.groups()))
    for form in DATE_FORMS:
        found = form.match(text)
        if found:
            parts = [part for part in found.groups() if part.isdigit()]
            year, month, day = (int(part) for part in parts)
            break
    else:
        raise ValueError(_("Enter a date such as 2021-09-06 or 2021年9月6日."))
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("There is no such date.")) from None
    if not 1900 <= date.year <= 2100:
        raise ValueError(_("Enter a date between 1900 and 2100."))
    return date


def normalise_email(value: str) -> str:
    """Full-width @ and letters folded, the domain lower-cased. Does not check validity."""
    text = unicodedata.normalize("NFKC", value).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    return f"{local}@{domain.lower()}"


# --- the whole form ----------------------------------------------------------------------------


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: Any, *, nullable: bool = True) -> Any:
    """A one-line text: stripped; empty becomes None (or "" where the schema wants a string).
    Values that are not strings are kept as they are, for validate() to report."""
    if value is None:
        return None if nullable else ""
    if not isinstance(value, str):
        return value
    # Control characters pasted from elsewhere mean nothing in a one-line field, and
    # PostgreSQL refuses NUL outright.
    value = CONTROL_CHARACTERS.sub("", value).strip()
    if not value:
        return None if nullable else ""
    return value


def _long_text(value: Any, *, nullable: bool = False) -> Any:
    """A long text keeps its line breaks and the first line's indent (Chinese paragraphs
    start with two full-width spaces); only blank lines around it and trailing spaces go."""
    if not isinstance(value, str):
        return _text(value, nullable=nullable)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    value = re.sub(r"^(?:[ \t\u3000]*\n)+", "", value).rstrip()
    if not value.strip():
        return None if nullable else ""
    return value


def _with(value: Any, normaliser: Any) -> Any:
    value = _text(value)
    if not isinstance(value, str):
        return value
    try:
        return normaliser(value)
    except ValueError:
        return value


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _with(value, lambda text: parse_date(text).isoformat())


def _landline(value: Any) -> Any:
    return _with(value, normalise_landline)


def _mobile(value: Any) -> Any:
    return _with(value, normalise_mobile)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _person(value: Any, **fields: Any) -> Any:
    if value is not None and not isinstance(value, dict):
        return value
    source = _object(value)
    return {key: normaliser(source.get(key)) for key, normaliser in fields.items()}


def normalise_opinion(value: Any) -> Any:
    """An opinion (五): {text, signer, date}, normalised like the rest of the form."""
    return _opinion(value)


def normalise_long_text(value: Any) -> Any:
    """A long text such as 四 (recommender_support): None when empty."""
    return _long_text(value, nullable=True)


def _opinion(value: Any) -> Any:
    if value is None:
        return empty_opinion()
    if not isinstance(value, dict):
        return value
    return {
        "text": _long_text(value.get("text"), nullable=True),
        "signer": _text(value.get("signer")),
        "date": _date(value.get("date")),
    }


def _approval_of_gi(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {"authority": _text(value.get("authority")), "date": _date(value.get("date"))}


def _gi(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    approvals = value.get("approvals")
    if approvals is None:
        approvals = [empty_approval()]
    return {
        "name": _text(value.get("name"), nullable=False),
        "rights_holder": _text(value.get("rights_holder")),
        "approvals": [_approval_of_gi(a) for a in approvals] if isinstance(approvals, list) else approvals,
        "production_area": _text(value.get("production_area")),
    }


def _national_approval(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    expert = value.get("expert_group")
    department = value.get("department")
    return {
        "expert_group": {
            "opinion": _long_text(expert.get("opinion"), nullable=True),
            "leader": _text(expert.get("leader")),
            "date": _date(expert.get("date")),
        }
        if isinstance(expert, dict)
        else expert,
        "department": {
            "opinion": _long_text(department.get("opinion"), nullable=True),
            "handler": _text(department.get("handler")),
            "division": _text(department.get("division")),
            "date": _date(department.get("date")),
        }
        if isinstance(department, dict)
        else department,
    }


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """The canonical form of `data`: every key of the schema present, strings stripped,
    empty values None where the schema allows null, phones, e-mail and dates in the schema's
    form. A value that cannot be normalised is kept as typed; keys the schema does not know
    are dropped. Returns a new dict."""
    data = _object(data)
    unit = _object(data.get("implementing_unit"))
    recommending = _object(data.get("recommending_unit"))
    gis = data.get("geographical_indications")
    if gis is None:
        gis = [empty_gi()]
    result: dict[str, Any] = {}
    for key in ("number", "year"):
        if key in data:
            result[key] = _text(data[key]) if key == "number" else data[key]
    result |= {
        "project_name": _text(data.get("project_name"), nullable=False),
        "implementing_unit": {
            "name": _text(unit.get("name"), nullable=False),
            "representative": _person(unit.get("representative"), name=_text, title=_text),
            "phone": _landline(unit.get("phone")),
            "fax": _landline(unit.get("fax")),
            "responsible": _person(
                unit.get("responsible"), name=_text, title=_text, landline=_landline, mobile=_mobile
            ),
            "contact": _person(
                unit.get("contact"), name=_text, mobile=_mobile, landline=_landline, fax=_landline
            ),
            "address": _text(unit.get("address")),
            "email": _with(unit.get("email"), normalise_email),
        },
        "recommending_unit": {
            "name": _text(recommending.get("name")),
            "division_head": _person(recommending.get("division_head"), name=_text, mobile=_mobile),
            "contact": _person(recommending.get("contact"), name=_text, mobile=_mobile),
        },
        "geographical_indications": [_gi(gi) for gi in gis] if isinstance(gis, list) else gis,
    }
    for key in LONG_TEXTS:
        result[key] = _long_text(data.get(key))
    result["recommender_support"] = _long_text(data.get("recommender_support"), nullable=True)
    result["implementing_opinion"] = _opinion(data.get("implementing_opinion"))
    result["recommending_opinion"] = _opinion(data.get("recommending_opinion"))
    result["approval"] = _national_approval(data.get("approval"))
    return result


# --- validation --------------------------------------------------------------------------------

LANDLINE_FIELDS = (
    "implementing_unit.phone",
    "implementing_unit.fax",
    "implementing_unit.responsible.landline",
    "implementing_unit.contact.landline",
    "implementing_unit.contact.fax",
)
MOBILE_FIELDS = (
    "implementing_unit.responsible.mobile",
    "implementing_unit.contact.mobile",
    "recommending_unit.division_head.mobile",
    "recommending_unit.contact.mobile",
)
# Required on submission, in the order of the paper form. Faxes and the landlines of the
# responsible person and the contact are optional: not every office has them.
REQUIRED_FIELDS = (
    "project_name",
    "implementing_unit.name",
    "implementing_unit.representative.name",
    "implementing_unit.representative.title",
    "implementing_unit.phone",
    "implementing_unit.responsible.name",
    "implementing_unit.responsible.title",
    "implementing_unit.responsible.mobile",
    "implementing_unit.contact.name",
    "implementing_unit.contact.mobile",
    "implementing_unit.address",
    "implementing_unit.email",
)
# The recommending unit's half of 一 is the province's: it fills it when it recommends.
PROVINCE_REQUIRED_FIELDS = (
    "recommending_unit.division_head.name",
    "recommending_unit.division_head.mobile",
    "recommending_unit.contact.name",
    "recommending_unit.contact.mobile",
)
PROVINCE_PART_KEYS = ("division_head", "contact")
OPINION_FIELDS = ("text", "signer", "date")


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path, or None where the path does not exist."""
    value = data
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_date(problems: list[Problem], path: str, value: Any) -> None:
    if not isinstance(value, str) or _missing(value):
        return
    try:
        date = parse_date(value)
    except ValueError as error:
        problems.append(Problem(path, str(error)))
        return
    if date.isoformat() != value:
        problems.append(Problem(path, _("Enter a date such as 2021-09-06 or 2021年9月6日.")))


def _date_paths(data: dict[str, Any]) -> list[str]:
    paths = []
    gis = data.get("geographical_indications")
    for i, gi in enumerate(gis if isinstance(gis, list) else []):
        approvals = gi.get("approvals") if isinstance(gi, dict) else None
        for j, _approval in enumerate(approvals if isinstance(approvals, list) else []):
            paths.append(f"geographical_indications.{i}.approvals.{j}.date")
    paths += ["implementing_opinion.date", "recommending_opinion.date"]
    paths += ["approval.expert_group.date", "approval.department.date"]
    return paths


def _format_problems(data: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    name = data.get("project_name")
    if isinstance(name, str) and len(name) > PROJECT_NAME_MAX:
        problems.append(
            Problem(
                "project_name", _("Keep the project name to %(max)d characters.") % {"max": PROJECT_NAME_MAX}
            )
        )
    for path in LANDLINE_FIELDS:
        value = get_path(data, path)
        if isinstance(value, str) and not _missing(value) and not LANDLINE.match(value):
            problems.append(
                Problem(path, _("Enter a landline number with its area code, e.g. 010-62086080."))
            )
    for path in MOBILE_FIELDS:
        value = get_path(data, path)
        if isinstance(value, str) and not _missing(value) and not MOBILE.match(value):
            problems.append(
                Problem(path, _("Enter an 11-digit mobile number starting with 1, e.g. 13800138000."))
            )
    email = get_path(data, "implementing_unit.email")
    if isinstance(email, str) and not _missing(email):
        try:
            validate_email(email)
        except ValidationError:
            problems.append(Problem("implementing_unit.email", _("Enter a valid e-mail address.")))
    for path in _date_paths(data):
        _check_date(problems, path, get_path(data, path))
    return problems


def _required_problems(data: dict[str, Any], *, for_recommendation: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    required = _("This field is required.")
    for path in REQUIRED_FIELDS + (PROVINCE_REQUIRED_FIELDS if for_recommendation else ()):
        if _missing(get_path(data, path)):
            problems.append(Problem(path, required))
    gis = data.get("geographical_indications")
    gis = gis if isinstance(gis, list) else []
    if not any(isinstance(gi, dict) and not _missing(gi.get("name")) for gi in gis):
        problems.append(
            Problem("geographical_indications", _("Give at least one geographical indication with its name."))
        )
    for i, gi in enumerate(gis):
        if not isinstance(gi, dict):
            continue
        for key in ("name", "rights_holder", "production_area"):
            if _missing(gi.get(key)):
                problems.append(Problem(f"geographical_indications.{i}.{key}", required))
        approvals = gi.get("approvals")
        approvals = approvals if isinstance(approvals, list) else []
        if not approvals:
            problems.append(
                Problem(
                    f"geographical_indications.{i}.approvals",
                    _("Give the approving authority and the date of approval."),
                )
            )
        for j, approval in enumerate(approvals):
            for key in ("authority", "date"):
                if _missing(get_path(approval, key)):
                    problems.append(Problem(f"geographical_indications.{i}.approvals.{j}.{key}", required))
    for key in LONG_TEXTS:
        if _missing(data.get(key)):
            problems.append(Problem(key, required))
    return problems


def opinion_problems(data: dict[str, Any], key: str) -> list[Problem]:
    """What is missing from an opinion (五): text, signer and date are all required."""
    opinion = data.get(key)
    problems = []
    for part in OPINION_FIELDS:
        if _missing(get_path(opinion, part)):
            problems.append(Problem(f"{key}.{part}", _("This field is required.")))
    if not problems:
        _check_date(problems, f"{key}.date", get_path(opinion, "date"))
    return problems


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "type":
        expected = error.validator_value
        kinds = expected if isinstance(expected, list) else [expected]
        if "object" in kinds:
            return _("This part of the form is malformed.")
        if "array" in kinds:
            return _("This should be a list.")
        if "integer" in kinds:
            return _("Enter a whole number.")
        return _("Enter text here.")
    if error.validator == "required":
        return _("This field is required.")
    if error.validator == "minItems":
        return _("Give at least one geographical indication with its name.")
    return _("This value does not fit the form.")


def _schema_problems(data: dict[str, Any], *, for_submission: bool) -> list[Problem]:
    problems = []
    for error in schema_validator().iter_errors(data):
        path = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [key for key in error.validator_value if key not in error.instance]
            path = ".".join(filter(None, [path, *missing[:1]]))
        if error.validator == "minItems" and not for_submission:
            continue
        if error.validator == "pattern":
            continue  # phones: reported with a specific message above
        problems.append(Problem(path, _schema_message(error)))
    return problems


def validate(
    data: dict[str, Any], *, for_submission: bool, for_recommendation: bool = False
) -> list[Problem]:
    """Every problem of `data` (normalised), in the order of the form.

    Format problems (phones, e-mail, dates, the project name's length, the schema's
    structure) always; the implementing unit's required fields `for_submission`, and also the
    recommending unit's half of 一 `for_recommendation`. The opinions (五) are checked by the
    workflow when each unit signs (`opinion_problems`).
    """
    problems = _format_problems(data)
    if for_submission or for_recommendation:
        problems += _required_problems(data, for_recommendation=for_recommendation)
    seen = {problem.field for problem in problems}
    problems += [
        problem
        for problem in _schema_problems(data, for_submission=for_submission or for_recommendation)
        if problem.field not in seen
    ]
    order = {path: index for index, path in enumerate(_field_order(data))}
    return sorted(problems, key=lambda problem: order.get(problem.field, len(order)))


def _field_order(data: dict[str, Any]) -> list[str]:
    """Dotted paths in the order of the paper form, for sorting problems."""
    paths: list[str] = []

    def walk(value: Any, prefix: str) -> None:
        paths.append(prefix)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{prefix}.{key}" if prefix else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{prefix}.{index}")

    template = empty_data()
    template["approval"] = {"expert_group": {}, "department": {}}
    walk({**template, **{k: v for k, v in data.items() if k in template}}, "")
    return paths


# --- the interchange form of a stored recommendation -------------------------------------------


def as_interchange(rec: Any) -> dict[str, Any]:
    """The recommendation as the schema's JSON: its stored content with `number` and `year`."""
    content = normalise(rec.data or {})
    content.pop("number", None)
    content.pop("year", None)
    return {"number": rec.number, "year": rec.round.year, **content}


def with_province_part(data: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """`data` with the recommending unit's half of 一 (处室负责人, 工作联系人 and their mobiles)
    taken from `part` (shaped like data["recommending_unit"]), normalised."""
    content = deepcopy(data)
    unit = content.get("recommending_unit")
    if not isinstance(unit, dict):
        unit = content["recommending_unit"] = {}
    for key in PROVINCE_PART_KEYS:
        given = part.get(key) if isinstance(part, dict) else None
        if isinstance(given, dict):
            unit[key] = {"name": given.get("name"), "mobile": given.get("mobile")}
    return normalise(content)
