"""Every write of the organisations app: the division table and the organisations built from
it, 兵团's divisions, and the two county lists."""

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dibiao.core import audit
from dibiao.core.errors import DomainError, ImportProblems
from dibiao.organisations.choices import CountyList, DivisionLevel, Kind, Level
from dibiao.organisations.models import CountyDesignation, Division, Organisation
from dibiao.organisations.queries import DIVISIONS_AS_OF, divisions_in_force, list_year

NATIONAL_OFFICE = "国家知识产权局"
# The departments the notice names as responsible for the action's tasks; 运用促进司 owns it.
DEPARTMENTS = (
    "知识产权运用促进司",
    "办公室",
    "条法司",
    "战略规划司",
    "保护司",
    "公共服务司",
    "人事司",
    "国际合作司",
    "商标局",
)
# The two provincial centres the notice is addressed to, by their province's code.
CENTRES = {"51": "四川省知识产权服务促进中心", "44": "广东省知识产权保护中心"}
# Municipalities have no prefecture level: their districts and counties are implementing units.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
# 新疆生产建设兵团 has no code of its own in GB/T 2260; Attachment 2 keys it as 66.
XPCC_PROVINCE_CODE = "66"
IMPLEMENTING_NAME = "{}知识产权局"

DIVISION_LEVELS = {
    "省级": DivisionLevel.PROVINCE,
    "地级": DivisionLevel.PREFECTURE,
    "县级": DivisionLevel.COUNTY,
}
DIRECTLY_UNDER_PROVINCE = "直辖"
DIVISION_FIELDS = ("name", "level", "province_name", "prefecture_name", "valid_to", "new_code")
DIVISION_BASED_LEVELS = (Level.PREFECTURE, Level.DIRECT_COUNTY, Level.MUNICIPAL_DISTRICT)
# The implementing unit's fields that follow its division, for bulk_update.
IMPLEMENTING_FIELDS = ("level", "code", "province_code", "parent", "province", "sort_key", "is_active")


def default_divisions_dir() -> Path:
    return Path(settings.DATA_DIR) / "divisions"


def default_quota_file() -> Path:
    return Path(settings.DATA_DIR) / "quota-2021.csv"


# --- loading divisions and organisations ------------------------------------------------------


@dataclass
class LoadReport:
    """What `load_divisions` did, and what the organisations look like afterwards."""

    as_of: dt.date
    year: int
    divisions_in_file: int = 0
    divisions_created: int = 0
    divisions_updated: int = 0
    divisions_in_force: int = 0
    # Divisions of the list in force, by `DivisionLevel`.
    divisions_by_level: dict[str, int] = field(default_factory=dict)
    checked_against: str = ""
    organisations_created: int = 0
    organisations_updated: int = 0
    organisations_deactivated: int = 0
    # Active organisations afterwards, by kind, and implementing units by level.
    by_kind: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)
    # One row per provincial unit: (province_code, name, {level: count of active units}).
    by_province: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.divisions_created,
                self.divisions_updated,
                self.organisations_created,
                self.organisations_updated,
                self.organisations_deactivated,
            )
        )


@dataclass(frozen=True)
class _DivisionRow:
    code: str
    name: str
    level: str
    province_name: str
    prefecture_name: str
    valid_from: int
    valid_to: int | None
    new_code: str


def read_division_rows(path: Path) -> list[_DivisionRow]:
    """Parse the Ministry's history (`result.csv`); raise ImportProblems naming each bad row."""
    rows: list[_DivisionRow] = []
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, record in enumerate(csv.DictReader(handle), start=2):
            code = (record.get("代码") or "").strip()
            level = DIVISION_LEVELS.get((record.get("级别") or "").strip())
            try:
                valid_from = int(record["启用时间"])
                valid_to = int(record["变更/弃用时间"]) if (record["变更/弃用时间"] or "").strip() else None
            except (KeyError, TypeError, ValueError):
                valid_from, valid_to = 0, None
            if not re.fullmatch(r"\d{6}", code) or level is None or not valid_from:
                problems.append(
                    _("Row %(row)s: not a division (code, level or year missing).") % {"row": number}
                )
                continue
            if (code, valid_from) in seen:
                problems.append(
                    _("Row %(row)s: %(code)s appears twice from %(year)s.")
                    % {"row": number, "code": code, "year": valid_from}
                )
                continue
            seen.add((code, valid_from))
            prefecture = (record.get("二级行政区") or "").strip()
            rows.append(
                _DivisionRow(
                    code=code,
                    name=record["名称"].strip(),
                    level=level,
                    province_name=(record.get("一级行政区") or "").strip(),
                    prefecture_name="" if prefecture == DIRECTLY_UNDER_PROVINCE else prefecture,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    new_code=(record.get("新代码") or "").strip(),
                )
            )
    if problems:
        raise ImportProblems(_("The division file has problems; nothing was loaded."), problems)
    return rows


def _read_year_list(path: Path) -> set[tuple[str, str]]:
    entries = set()
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            entries.add((parts[0], parts[1]))
    return entries


def _check_against_year_list(rows: list[_DivisionRow], year: int, directory: Path) -> str:
    """Compare the list in force computed from the history with the Ministry's own list of that
    year, where the data has one (`2020.txt`); refuse to go on if they differ."""
    path = directory / f"{year}.txt"
    if not path.exists():
        return ""
    computed = {
        (row.code, row.name)
        for row in rows
        if row.valid_from <= year and (row.valid_to is None or row.valid_to > year)
    }
    expected = _read_year_list(path)
    if computed != expected:
        differences = sorted(computed ^ expected)[:10]
        raise ImportProblems(
            _("The division history does not give the list of %(file)s; nothing was loaded.")
            % {"file": path.name},
            [f"{code} {name}" for code, name in differences],
        )
    return path.name


def read_provincial_units(path: Path) -> dict[str, str]:
    """The 32 provincial units of Attachment 2, by province code, with their exact names."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        units = {
            record["province_code"].strip(): record["unit_name"].strip()
            for record in csv.DictReader(handle)
            if (record.get("province_code") or "").strip()
        }
    if not units:
        raise DomainError(_("The quota file lists no provincial units."))
    return units


def _upsert_divisions(rows: list[_DivisionRow], report: LoadReport) -> None:
    existing = {(d.code, d.valid_from): d for d in Division.objects.all()}
    to_create: list[Division] = []
    to_update: list[Division] = []
    for row in rows:
        values = {name: getattr(row, name) for name in DIVISION_FIELDS}
        division = existing.get((row.code, row.valid_from))
        if division is None:
            to_create.append(Division(code=row.code, valid_from=row.valid_from, **values))
        elif any(getattr(division, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(division, name, value)
            to_update.append(division)
    Division.objects.bulk_create(to_create, batch_size=500)
    Division.objects.bulk_update(to_update, DIVISION_FIELDS, batch_size=500)
    report.divisions_created = len(to_create)
    report.divisions_updated = len(to_update)


def _sync(org: Organisation | None, values: dict[str, Any], report: LoadReport) -> Organisation:
    """Create an organisation with `values`, or bring `org` up to them; count what changed."""
    if org is None:
        report.organisations_created += 1
        return Organisation.objects.create(**values)
    changed = [name for name, value in values.items() if getattr(org, name) != value]
    if changed:
        for name in changed:
            setattr(org, name, values[name])
        org.save(update_fields=changed)
        report.organisations_updated += 1
    return org


def _implementing_level(division: Division) -> str | None:
    """Which kind of implementing unit a division in force makes, if any (DOMAIN §1)."""
    if division.level == DivisionLevel.PREFECTURE:
        return Level.PREFECTURE
    if division.level == DivisionLevel.COUNTY and division.prefecture_name == "":
        if division.province_code in MUNICIPALITIES:
            return Level.MUNICIPAL_DISTRICT
        return Level.DIRECT_COUNTY
    return None


def _sync_implementing_units(
    in_force: list[Division], provinces: dict[str, Organisation], report: LoadReport
) -> None:
    # Units without a division row were not made here (兵团's divisions, units entered by hand)
    # and are left alone.
    existing = {
        org.division_id: org
        for org in Organisation.objects.filter(
            kind=Kind.IMPLEMENTING, level__in=DIVISION_BASED_LEVELS, division__isnull=False
        )
    }
    to_create: list[Organisation] = []
    to_update: list[Organisation] = []
    deactivated = 0
    wanted: set[int] = set()
    for division in in_force:
        level = _implementing_level(division)
        province = provinces.get(division.province_code)
        if level is None or province is None:
            continue
        wanted.add(division.pk)
        values = {
            "level": level,
            "code": division.code,
            "province_code": division.province_code,
            "parent_id": province.pk,
            "province_id": province.pk,
            "sort_key": division.code,
            "is_active": True,
        }
        org = existing.get(division.pk)
        if org is None:
            # The name is set once: an administrator may later give the office its real name.
            to_create.append(
                Organisation(
                    kind=Kind.IMPLEMENTING,
                    name=IMPLEMENTING_NAME.format(division.name),
                    division=division,
                    **values,
                )
            )
        elif any(getattr(org, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(org, name, value)
            to_update.append(org)
    # Units whose division is not in the list any more stay, with their history, but inactive.
    for division_id, org in existing.items():
        if division_id not in wanted and org.is_active:
            org.is_active = False
            to_update.append(org)
            deactivated += 1
    Organisation.objects.bulk_create(to_create, batch_size=500)
    Organisation.objects.bulk_update(to_update, IMPLEMENTING_FIELDS, batch_size=500)
    report.organisations_created += len(to_create)
    report.organisations_updated += len(to_update) - deactivated
    report.organisations_deactivated += deactivated


def _sync_fixed_organisations(
    in_force_by_code: dict[str, Division], units: dict[str, str], report: LoadReport
) -> dict[str, Organisation]:
    """The national office, its departments, the provincial units and the two centres."""
    national = _sync(
        Organisation.objects.filter(kind=Kind.NATIONAL).first(),
        {"kind": Kind.NATIONAL, "name": NATIONAL_OFFICE, "sort_key": "00"},
        report,
    )
    departments = {org.name: org for org in Organisation.objects.filter(kind=Kind.DEPARTMENT)}
    for index, name in enumerate(DEPARTMENTS, start=1):
        _sync(
            departments.get(name),
            {"kind": Kind.DEPARTMENT, "name": name, "parent_id": national.pk, "sort_key": f"00{index:02d}"},
            report,
        )
    existing = {org.province_code: org for org in Organisation.objects.filter(kind=Kind.PROVINCIAL)}
    provinces: dict[str, Organisation] = {}
    for province_code, name in units.items():
        division = in_force_by_code.get(f"{province_code}0000")
        org = _sync(
            existing.get(province_code),
            {
                "kind": Kind.PROVINCIAL,
                "name": name,
                "province_code": province_code,
                "code": division.code if division else "",
                "division_id": division.pk if division else None,
                "parent_id": national.pk,
                "sort_key": province_code,
            },
            report,
        )
        if org.province_id != org.pk:
            org.province = org
            org.save(update_fields=["province"])
        provinces[province_code] = org
    centres = {org.name: org for org in Organisation.objects.filter(kind=Kind.CENTRE)}
    for province_code, name in CENTRES.items():
        province = provinces.get(province_code)
        if province is None:
            continue
        _sync(
            centres.get(name),
            {
                "kind": Kind.CENTRE,
                "name": name,
                "province_code": province_code,
                "parent_id": province.pk,
                "province_id": province.pk,
                "sort_key": f"{province_code}0000",
            },
            report,
        )
    return provinces


def _count_organisations(report: LoadReport, provinces: dict[str, Organisation]) -> None:
    active = Organisation.objects.filter(is_active=True).order_by()
    report.by_kind = {row["kind"]: row["n"] for row in active.values("kind").annotate(n=Count("pk"))}
    per_province: dict[str, dict[str, int]] = {}
    for row in active.filter(kind=Kind.IMPLEMENTING).values("province_code", "level").annotate(n=Count("pk")):
        per_province.setdefault(row["province_code"], {})[row["level"]] = row["n"]
        report.by_level[row["level"]] = report.by_level.get(row["level"], 0) + row["n"]
    report.by_province = [
        (code, org.name, per_province.get(code, {})) for code, org in sorted(provinces.items())
    ]


def load_divisions(
    as_of: dt.date = DIVISIONS_AS_OF,
    *,
    divisions_dir: Path | None = None,
    quota_file: Path | None = None,
    actor: Any = None,
) -> LoadReport:
    """Load the division history and build the organisations of the list in force on `as_of`.

    In one transaction:
    1. Every row of `result.csv` becomes a `Division` keyed by (code, valid_from): new rows are
       created, changed rows updated, the rest left alone.
    2. The list in force on `as_of` (`queries.list_year`) is computed from the history and, where
       the data has that year's own list (`2020.txt`), checked against it.
    3. The national office, its nine departments, the provincial units of the quota file (with
       their exact names), and the two provincial centres are created or brought up to date.
    4. Every implementing unit of that list gets an organisation, keyed by its `Division` row
       (never by the code alone): prefecture-level divisions, county-level divisions directly
       under a province, and the districts and counties of the four municipalities. Names are
       set on creation only. Units whose division is no longer in force become inactive.
    5. An audit event is written if anything changed.

    Running it again with the same data changes nothing (`LoadReport.changed` is False).
    Raises ImportProblems (nothing written) if the files are malformed or inconsistent.
    """
    directory = divisions_dir or default_divisions_dir()
    report = LoadReport(as_of=as_of, year=list_year(as_of))
    rows = read_division_rows(directory / "result.csv")
    report.divisions_in_file = len(rows)
    report.checked_against = _check_against_year_list(rows, report.year, directory)
    units = read_provincial_units(quota_file or default_quota_file())
    with transaction.atomic():
        _upsert_divisions(rows, report)
        in_force = list(divisions_in_force(as_of).order_by("code"))
        report.divisions_in_force = len(in_force)
        report.divisions_by_level = dict(Counter(division.level for division in in_force))
        in_force_by_code = {division.code: division for division in in_force}
        provinces = _sync_fixed_organisations(in_force_by_code, units, report)
        _sync_implementing_units(in_force, provinces, report)
        _count_organisations(report, provinces)
        if report.changed:
            audit.record(
                actor,
                "organisations.load_divisions",
                summary=f"as of {as_of.isoformat()}",
                divisions_created=report.divisions_created,
                divisions_updated=report.divisions_updated,
                organisations_created=report.organisations_created,
                organisations_updated=report.organisations_updated,
                organisations_deactivated=report.organisations_deactivated,
            )
    return report


# --- 兵团's divisions -------------------------------------------------------------------------


def xpcc_unit() -> Organisation | None:
    return Organisation.objects.filter(kind=Kind.PROVINCIAL, province_code=XPCC_PROVINCE_CODE).first()


def add_xpcc_division(name: str, *, actor: Any) -> Organisation:
    """Add one of 兵团's divisions (师) as an implementing unit under 新疆生产建设兵团知识产权局.

    The unit has no division code; it sorts after the divisions already added. Writes an audit
    event. Raises DomainError if the name is empty, 兵团's unit has not been loaded, or one of
    its divisions already has this name.
    """
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Enter the unit's name."), field="name")
    with transaction.atomic():
        xpcc = (
            Organisation.objects.select_for_update()
            .filter(kind=Kind.PROVINCIAL, province_code=XPCC_PROVINCE_CODE)
            .first()
        )
        if xpcc is None:
            raise DomainError(
                _("新疆生产建设兵团知识产权局 has not been loaded yet: run load_divisions first.")
            )
        divisions = Organisation.objects.filter(kind=Kind.IMPLEMENTING, level=Level.XPCC_DIVISION)
        if divisions.filter(name=name).exists():
            raise DomainError(_("兵团 already has a unit called %(name)s.") % {"name": name}, field="name")
        # 兵团's row is locked above, so two administrators adding at once get distinct keys.
        serial = divisions.count() + 1
        org = Organisation.objects.create(
            kind=Kind.IMPLEMENTING,
            level=Level.XPCC_DIVISION,
            name=name,
            province_code=XPCC_PROVINCE_CODE,
            parent=xpcc,
            province=xpcc,
            sort_key=f"{XPCC_PROVINCE_CODE}{serial:04d}",
        )
        audit.record(actor, "organisations.add_xpcc_division", org, summary=f"organisation {org.pk}")
    return org


# --- county lists -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyListImport:
    """What `import_county_list` did."""

    county_list: str
    count: int
    added: int
    removed: int
    duplicates: int


COUNTY_FILE_TYPES = (".csv", ".xlsx")
MAX_COUNTY_FILE_SIZE = 2 * 1024 * 1024


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; then GB 18030, which covers GBK, the encoding that
    Excel on a Chinese Windows PC writes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The CSV file is neither UTF-8 nor GBK text: save it again as CSV (UTF-8)."))


def _first_cells_of_csv(data: bytes) -> list[tuple[int, Any]]:
    text = _decode_csv(data)
    return [(number, row[0] if row else "") for number, row in enumerate(csv.reader(io.StringIO(text)), 1)]


def _first_cells_of_xlsx(data: bytes) -> list[tuple[int, Any]]:
    from openpyxl import load_workbook  # a heavy import, only needed here
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DomainError(_("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, row[0] if row else None)
            for number, row in enumerate(sheet.iter_rows(max_col=1, values_only=True), 1)
        ]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # A code typed as a number in a spreadsheet may come back as "340121.0".
    return text[:-2] if re.fullmatch(r"\d{6}\.0", text) else text


def read_county_codes(data: bytes, filename: str) -> list[tuple[int, str]]:
    """The codes in the first column of a .csv or .xlsx file, with their row numbers.

    Blank rows are skipped; a first row that is not a code is taken as a header. Raises
    DomainError for another file type or an unreadable file, ImportProblems for cells that
    are not six-digit codes.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in COUNTY_FILE_TYPES:
        raise DomainError(_("Upload a .csv or .xlsx file."), field="file")
    if len(data) > MAX_COUNTY_FILE_SIZE:
        raise DomainError(_("The file is larger than 2 MB; a county list is much smaller."), field="file")
    cells = _first_cells_of_xlsx(data) if suffix == ".xlsx" else _first_cells_of_csv(data)
    codes: list[tuple[int, str]] = []
    problems: list[str] = []
    for number, value in cells:
        text = _cell_text(value)
        if not text:
            continue
        if re.fullmatch(r"\d{6}", text):
            codes.append((number, text))
        elif number == 1:
            continue  # a header
        else:
            problems.append(
                _("Row %(row)s: “%(value)s” is not a six-digit division code.")
                % {"row": number, "value": text[:20]}
            )
    if problems:
        raise ImportProblems(_("The list was not imported; nothing was changed."), problems)
    if not codes:
        raise DomainError(_("The file contains no county codes."), field="file")
    return codes


def import_county_list(
    county_list: str,
    *,
    data: bytes,
    filename: str,
    as_of: dt.date = DIVISIONS_AS_OF,
    actor: Any = None,
) -> CountyListImport:
    """Replace `county_list` (脱贫县 or 国家乡村振兴重点帮扶县) with the codes of a file.

    Reads the file (`read_county_codes`), then checks every code against the county-level
    divisions in force on `as_of`. If any code is unknown, raises ImportProblems naming each
    by its row and changes nothing. Otherwise, in one transaction, deletes the list's
    designations, creates one per county (a code given twice counts once) and writes an
    audit event.
    """
    if county_list not in CountyList.values:
        raise DomainError(_("Choose one of the two county lists."), field="county_list")
    codes = read_county_codes(data, filename)
    counties = {
        division.code: division
        for division in divisions_in_force(as_of).filter(
            level=DivisionLevel.COUNTY, code__in={code for _, code in codes}
        )
    }
    on_date = date_format(as_of, "DATE_FORMAT")
    problems = [
        _("Row %(row)s: %(code)s is not a county-level division in force on %(date)s.")
        % {"row": number, "code": code, "date": on_date}
        for number, code in codes
        if code not in counties
    ]
    if problems:
        raise ImportProblems(
            _("%(count)s codes are not counties in force; the list was not imported and nothing was changed.")
            % {"count": len(problems)},
            problems,
        )
    occurrences = Counter(code for _, code in codes)
    with transaction.atomic():
        current = CountyDesignation.objects.filter(list=county_list)
        before = set(current.values_list("division_id", flat=True))
        after = {counties[code].pk for code in occurrences}
        current.delete()
        CountyDesignation.objects.bulk_create(
            [CountyDesignation(list=county_list, division_id=pk) for pk in sorted(after)]
        )
        result = CountyListImport(
            county_list=county_list,
            count=len(after),
            added=len(after - before),
            removed=len(before - after),
            duplicates=len(codes) - len(occurrences),
        )
        audit.record(
            actor,
            "organisations.import_county_list",
            summary=f"{county_list}: {result.count} counties",
            list=county_list,
            count=result.count,
            added=result.added,
            removed=result.removed,
            as_of=as_of.isoformat(),
        )
    return result
