"""The ranking as a spreadsheet (.xlsx): the rows the ranking page shows, in its order.

openpyxl in write-only mode; a frozen, filterable header in Chinese; columns as wide as their
Chinese text (a wide character counts twice); totals and statistics as numbers; every text as
text, never a formula: a name starting with =, +, - or @ is written as a text cell with
Excel's quote prefix, so that it shows as typed and stays text when the cell is edited.
"""

import io
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from dibiao.reviews.ranking import RankingRow
from dibiao.rounds.models import Round

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")
# Characters openpyxl refuses in a cell (XML 1.0 forbids them).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_WIDTH = 60

DECISIONS = {True: "入选", False: "未入选", None: ""}


def display_width(text: str) -> int:
    """Width in Excel's units, near enough: a Chinese (wide) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def headers(slots: int) -> list[str]:
    experts = [name for index in range(1, slots + 1) for name in (f"专家{index}", f"专家{index}评分")]
    return [
        "排名",
        "编号",
        "项目名称",
        "推荐单位",
        "实施单位",
        "脱贫地区",
        "状态",
        *experts,
        "平均分",
        "极差",
        "标准差",
        "已提交评审",
        "已分配评审",
        "决定",
    ]


def row_values(row: RankingRow, slots: int) -> list[Any]:
    experts: list[Any] = []
    for index in range(slots):
        review = row.reviews[index] if index < len(row.reviews) else None
        if review is None:
            experts += ["", None]
        else:
            experts += [review.expert, review.total if review.is_submitted else "未提交"]
    return [
        row.rank,
        row.number,
        row.project_name,
        row.province_name,
        row.unit_name,
        "是" if row.is_priority else "",
        row.state_label,
        *experts,
        row.mean,
        row.spread,
        row.stdev,
        row.submitted_count,
        row.assigned_count,
        DECISIONS[row.decision],
    ]


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=float(value))
        exponent = value.as_tuple().exponent
        cell.number_format = "0.00" if isinstance(exponent, int) and exponent <= -2 else "0.0"
    elif isinstance(value, int) or value is None:
        cell = WriteOnlyCell(sheet, value=value)
    else:
        text = ILLEGAL.sub("", str(value))
        cell = WriteOnlyCell(sheet, value=text)
        if is_formula_like(text):
            # openpyxl would store "=..." as a formula: keep it a string, quote-prefixed.
            cell.data_type = "s"
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(str(value))
    return display_width(str(value))


def ranking_xlsx(rows: Sequence[RankingRow], *, title: str) -> bytes:
    """One sheet named `title` (cut to Excel's 31 characters): header, then a row per project."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    slots = max((len(row.reviews) for row in rows), default=0)
    head = headers(slots)
    body = [row_values(row, slots) for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=ILLEGAL.sub("", title)[:31] or "排名")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(body) + 1}"
    for index, header in enumerate(head):
        widest = max([display_width(header)] + [_width(values[index]) for values in body])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(widest, 4), MAX_WIDTH) + 2
    sheet.append([_cell(sheet, header, bold=True) for header in head])
    for values in body:
        sheet.append([_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ranking_filename(round: Round) -> str:
    return f"{round.year}-评审排名.xlsx"
