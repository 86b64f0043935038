"""Read and write the small tables that rounds import and export (.csv and .xlsx).

Reading turns either format into rows of stripped strings, numbered as a spreadsheet numbers
them (the header is row 1), so that every later message can name its row. Anything wrong
with the file as a whole (empty, not a spreadsheet, unreadable text, wrong columns) raises
`ImportProblems` here; problems within rows are for the caller to find.
"""

import codecs
import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from dibiao.core.errors import ImportProblems

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)
# Text that a spreadsheet never holds: control characters other than tab and line breaks.
CONTROL_CHARACTERS = {chr(code) for code in range(32)} - {"\t", "\n", "\r"}


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]


@dataclass(frozen=True)
class Rendered:
    filename: str
    content_type: str
    data: bytes


def row_problem(number: int, problem: str) -> str:
    return _("Row %(row)s: %(problem)s") % {"row": number, "problem": problem}


def refuse(problems: list[str]) -> ImportProblems:
    return ImportProblems(
        _("The file was not imported, and nothing was changed. Correct these problems and upload it again:"),
        problems,
    )


def read_rows(data: bytes, columns: Sequence[str]) -> list[Row]:
    """Parse a .csv or .xlsx file whose first row is exactly `columns` (in any order).

    The format is told by the content, not by the file name. CSV text may be UTF-8 (with or
    without the BOM that Excel writes), UTF-16 with a BOM, or GBK/GB18030, which is what Excel
    on a Chinese Windows saves as "CSV". Blank rows are skipped. Raises ImportProblems.
    """
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise refuse([_("The file is empty.")])
    if data.startswith(ZIP_MAGIC):
        records = _xlsx_records(data)
    elif data.startswith(OLE_MAGIC):
        raise refuse(
            [_("This is an old Excel (.xls) file. Save it as .xlsx or as “CSV UTF-8” and upload it again.")]
        )
    else:
        records = _csv_records(data)

    numbered = [(number, cells) for number, cells in records if any(cells)]
    if not numbered:
        raise refuse([_("The file is empty.")])
    header = [cell.lstrip("\ufeff").strip().lower() for cell in numbered[0][1]]
    while header and not header[-1]:  # trailing empty cells are not columns
        header.pop()
    _check_header(header, columns)
    if len(numbered) == 1:
        raise refuse([_("The file has a header row but no data rows.")])

    problems: list[str] = []
    rows: list[Row] = []
    for number, cells in numbered[1:]:
        width = max(index + 1 for index, cell in enumerate(cells) if cell)
        if width > len(header):
            problems.append(
                row_problem(
                    number,
                    _("it has %(count)s values, but the header has %(columns)s columns.")
                    % {"count": width, "columns": len(header)},
                )
            )
            continue
        padded = list(cells[: len(header)]) + [""] * (len(header) - len(cells))
        rows.append(Row(number, dict(zip(header, padded, strict=True))))
    if problems:
        raise refuse(problems)
    return rows


def _check_header(header: list[str], columns: Sequence[str]) -> None:
    expected = ",".join(columns)
    named = [cell for cell in header if cell]
    problems = []
    missing = [column for column in columns if column not in named]
    if missing:
        problems.append(
            _("Missing column(s): %(columns)s. The first row must be: %(expected)s")
            % {"columns": ", ".join(missing), "expected": expected}
        )
    extra = [cell for cell in named if cell not in columns]
    if extra or len(named) < len(header):
        shown = ", ".join(extra) if extra else _("(a column without a name)")
        problems.append(
            _("Unexpected column(s): %(columns)s. The first row must be: %(expected)s")
            % {"columns": shown, "expected": expected}
        )
    repeated = sorted({cell for cell in named if named.count(cell) > 1})
    if repeated:
        problems.append(_("Column(s) named twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        raise refuse(problems)


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        # Valid UTF-8 is almost never valid-looking GBK and vice versa, so trying UTF-8 first
        # and GB18030 (a superset of GBK) second reads both without garbling either.
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if CONTROL_CHARACTERS.isdisjoint(text):
            return text
        raise refuse([_("The file is not a spreadsheet. Upload a .csv or .xlsx file.")])
    if b"\x00" in data:
        raise refuse([_("The file is not a spreadsheet. Upload a .csv or .xlsx file.")])
    raise refuse([_("The file's text is neither UTF-8 nor GBK. Save it as “CSV UTF-8” and upload it again.")])


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is tab-separated; everything else we accept is comma-separated.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, [_clean(cell) for cell in cells]))
    except csv.Error:
        raise refuse([_("The file is not a spreadsheet. Upload a .csv or .xlsx file.")]) from None
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, BadZipFile, ...) for a bad file
        raise refuse(
            [_("The file cannot be read as an Excel workbook (.xlsx); it may be damaged.")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, IndexError):
        raise refuse(
            [_("The file cannot be read as an Excel workbook (.xlsx); it may be damaged.")]
        ) from None
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return _clean(str(value))


def _clean(text: str) -> str:
    # NFKC turns full-width digits and letters (１２, ｑｕｏｔａ) into ASCII ones.
    return unicodedata.normalize("NFKC", text).strip()


def parse_count(value: str, label: str, *, maximum: int) -> tuple[int | None, str | None]:
    """Read a whole number ≥ 0 from a cell: (number, None) or (None, problem)."""
    if value == "":
        return None, _("%(label)s is empty.") % {"label": label}
    digits = value.removeprefix("-").removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        return None, _("%(label)s “%(value)s” is not a whole number.") % {"label": label, "value": value}
    number = int(value)
    if number < 0:
        return None, _("%(label)s %(value)s is negative; it must be 0 or more.") % {
            "label": label,
            "value": value,
        }
    if number > maximum:
        return None, _("%(label)s %(value)s is too large; it can be at most %(maximum)s.") % {
            "label": label,
            "value": value,
            "maximum": maximum,
        }
    return number, None


# --- writing ---------------------------------------------------------------------------------


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly; CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheet_title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: a bold, frozen header and columns wide enough for their Chinese text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        widest = max([display_width(column)] + [display_width(row[index]) for row in rows])
        sheet.column_dimensions[get_column_letter(index + 1)].width = widest + 4
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def display_width(value: Any) -> int:
    """Width in Excel's units, near enough: a Chinese character is two Latin ones wide."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
