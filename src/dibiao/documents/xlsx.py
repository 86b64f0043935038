"""Spreadsheets: a round's summary (one row per project, every field of the form) and the
quota table (Attachment 2) laid out as in the notice.

Every text goes through the shared sanitiser (control characters would make openpyxl refuse
the whole workbook), and a text that a spreadsheet would take for a formula (starting with
=, +, - or @) is written as a text cell with Excel's quote prefix: it shows as typed, and
editing the cell does not turn it into a formula either.
"""

import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dibiao.documents.base import XLSX, BaseExporter, Rendered
from dibiao.documents.collect import Item
from dibiao.documents.content import get_path
from dibiao.documents.sanitise import clean_text, safe_filename

FORMULA_STARTS = ("=", "+", "-", "@")
MAX_CELL = 32767  # Excel's limit of characters in a cell
TRUNCATED = "…（以下内容超出表格单元格长度，已截断）"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def display_width(text: str) -> int:
    """Width in Excel's units, near enough: a Chinese (wide) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_text(value: Any) -> str:
    text = clean_text(value)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - len(TRUNCATED)] + TRUNCATED
    return text


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def iso_date(value: Any) -> dt.date | str | None:
    """An ISO date string as a date (a real date cell); anything else as it is."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return cell_text(value)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Item], Any]
    max_width: int = 40
    wrap: bool = False


def _data(path: str) -> Callable[[Item], Any]:
    return lambda item: get_path(item.content.data, path)


def _attachments(item: Item) -> str:
    from dibiao.documents.collect import SECTION_NAMES

    return "\n".join(
        f"{SECTION_NAMES.get(section, section)}：{name}"
        for section, names in item.content.attachment_names.items()
        for name in names
    )


def _version(item: Item) -> str:
    return f"v{item.content.version}" if item.content.version else ""


SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("编号", lambda item: item.content.number, 14),
    Column("状态", lambda item: item.state_label, 16),
    Column("推荐单位", lambda item: item.province, 30),
    Column("实施单位", lambda item: item.implementing_unit, 34),
    Column("项目名称", lambda item: item.content.project_name, 44, wrap=True),
    Column("代表人", _data("implementing_unit.representative.name"), 12),
    Column("代表人职务", _data("implementing_unit.representative.title"), 16),
    Column("联系电话", _data("implementing_unit.phone"), 16),
    Column("传真号码", _data("implementing_unit.fax"), 16),
    Column("负责人", _data("implementing_unit.responsible.name"), 12),
    Column("负责人职务", _data("implementing_unit.responsible.title"), 16),
    Column("负责人固定电话", _data("implementing_unit.responsible.landline"), 16),
    Column("负责人手机", _data("implementing_unit.responsible.mobile"), 14),
    Column("联系人", _data("implementing_unit.contact.name"), 12),
    Column("联系人手机", _data("implementing_unit.contact.mobile"), 14),
    Column("联系人固定电话", _data("implementing_unit.contact.landline"), 16),
    Column("联系人传真号码", _data("implementing_unit.contact.fax"), 16),
    Column("通讯地址", _data("implementing_unit.address"), 40, wrap=True),
    Column("E-mail", _data("implementing_unit.email"), 28),
    Column("处室负责人", _data("recommending_unit.division_head.name"), 12),
    Column("处室负责人手机", _data("recommending_unit.division_head.mobile"), 14),
    Column("工作联系人", _data("recommending_unit.contact.name"), 12),
    Column("工作联系人手机", _data("recommending_unit.contact.mobile"), 14),
    Column("地理标志", lambda item: "\n".join(gi.joined() for gi in item.content.gis), 60, wrap=True),
    Column("地理标志数量", lambda item: len(item.content.gis), 8),
    Column("项目介绍", _data("introduction"), 60, wrap=True),
    Column("工作成果", _data("achievements"), 60, wrap=True),
    Column("主要做法", _data("practices"), 60, wrap=True),
    Column("保障措施", _data("safeguards"), 60, wrap=True),
    Column("附页及盖章页", _attachments, 40, wrap=True),
    Column("推荐单位指导支持事项", _data("recommender_support"), 50, wrap=True),
    Column("实施单位意见", _data("implementing_opinion.text"), 40, wrap=True),
    Column("实施单位签字", _data("implementing_opinion.signer"), 12),
    Column(
        "实施单位意见日期",
        lambda item: iso_date(get_path(item.content.data, "implementing_opinion.date")),
        12,
    ),
    Column("推荐单位意见", _data("recommending_opinion.text"), 40, wrap=True),
    Column("推荐单位签字", _data("recommending_opinion.signer"), 12),
    Column(
        "推荐单位意见日期",
        lambda item: iso_date(get_path(item.content.data, "recommending_opinion.date")),
        12,
    ),
    Column("专家组意见", _data("approval.expert_group.opinion"), 40, wrap=True),
    Column("组长", _data("approval.expert_group.leader"), 12),
    Column(
        "专家组意见日期", lambda item: iso_date(get_path(item.content.data, "approval.expert_group.date")), 12
    ),
    Column("部门意见", _data("approval.department.opinion"), 40, wrap=True),
    Column("经办人", _data("approval.department.handler"), 12),
    Column("处室", _data("approval.department.division"), 16),
    Column(
        "部门意见日期", lambda item: iso_date(get_path(item.content.data, "approval.department.date")), 12
    ),
    Column("版本", _version, 8),
    Column("指纹", lambda item: item.content.fingerprint, 16),
    Column("创建时间", lambda item: item.created_at, 18),
    Column("提交时间", lambda item: item.submitted_at, 18),
    Column("推荐时间", lambda item: item.recommended_at, 18),
    Column("接收时间", lambda item: item.received_at, 18),
    Column("纸件收到时间", lambda item: item.paper_received_at, 18),
)


def _width(value: Any, cap: int) -> int:
    """The display width of a value's widest line, or `cap` if it reaches that."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = value if isinstance(value, str) else str(value)
    widest = 0
    for line in text.split("\n"):
        if len(line) >= cap:
            return cap  # a character is at least one unit wide
        widest = max(widest, display_width(line))
        if widest >= cap:
            return cap
    return widest


class SheetWriter:
    """Appends rows to a write-only sheet, typing each cell: text (never a formula), dates
    and times with their formats, numbers as numbers."""

    def __init__(self, sheet: Any, wrap_columns: Sequence[bool] = ()) -> None:
        from openpyxl.styles import Alignment, Font

        self.sheet = sheet
        self.wrap_columns = list(wrap_columns)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.bold = Font(bold=True)

    def cell(self, value: Any, column: int = 0, *, bold: bool = False) -> Any:
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, dt.datetime):
            cell = WriteOnlyCell(self.sheet, value=value.replace(tzinfo=None))
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = DATE_FORMAT
        elif isinstance(value, int | float):
            cell = WriteOnlyCell(self.sheet, value=value)
        else:
            text = cell_text(value)
            cell = WriteOnlyCell(self.sheet, value=text)
            if is_formula_like(text):
                # openpyxl would store "=..." as a formula: keep it text, and mark it with
                # the quote prefix so that editing the cell in Excel keeps it text too.
                cell.data_type = "s"
                cell.quotePrefix = True
        if bold:
            cell.font = self.bold
        if column < len(self.wrap_columns) and self.wrap_columns[column]:
            cell.alignment = self.wrap  # several lines, read from the top
        return cell

    def append(self, values: Iterable[Any], *, bold: bool = False) -> None:
        self.sheet.append([self.cell(value, index, bold=bold) for index, value in enumerate(values)])


def summary_bytes(items: Sequence[Item], *, title: str = "汇总") -> bytes:
    """One sheet: a frozen, filterable header row and one row per project, every field."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    rows = [[column.value(item) for column in SUMMARY_COLUMNS] for item in items]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(SUMMARY_COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for index, column in enumerate(SUMMARY_COLUMNS):
        widest = display_width(column.header)
        for row in rows:
            widest = max(widest, _width(row[index], column.max_width))
            if widest >= column.max_width:
                break
        sheet.column_dimensions[get_column_letter(index + 1)].width = (
            min(max(widest, 6), column.max_width) + 2
        )
    writer = SheetWriter(sheet, [column.wrap for column in SUMMARY_COLUMNS])
    writer.append([column.header for column in SUMMARY_COLUMNS], bold=True)
    for row in rows:
        writer.append(row)
    return save_fast(workbook)


def save_fast(workbook: Any) -> bytes:
    """The workbook as bytes, compressed at zlib's fastest level: a round's long texts make
    megabytes of sheet XML, which openpyxl's own save compresses three times slower for a file
    only a little smaller."""
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


class SummaryExporter(BaseExporter):
    identifier = "summary"
    title = "汇总表"
    extension = "xlsx"
    content_type = XLSX

    def __init__(self, items: Sequence[Item], *, name: str) -> None:
        self.items = items
        self.name = name

    def render(self) -> Rendered:
        return Rendered(
            safe_filename(f"{self.name}-汇总表.xlsx", max_length=120),
            self.content_type,
            summary_bytes(self.items),
        )


# --- Attachment 2: the quota table -----------------------------------------------------------


def quota_bytes(rows: Sequence[tuple[str, int]], *, year: int) -> bytes:
    """附件 2 推荐名额分配表: the notice's two columns (单位, 推荐数量（上限）), a row per provincial
    unit in the notice's order, a total row and the notice's note on how quotas were set."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年推荐名额"
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_font = Font(name="仿宋_GB2312", size=14)
    head_font = Font(name="黑体", size=14)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 24

    sheet["A1"] = "附件 2"
    sheet["A1"].font = Font(name="黑体", size=16)
    sheet.merge_cells("A2:B2")
    sheet["A2"] = "推荐名额分配表"
    sheet["A2"].font = Font(name="方正小标宋简体", size=22)
    sheet["A2"].alignment = centre
    sheet.row_dimensions[2].height = 48
    sheet.append(["单　位", "推荐数量（上限）"])
    for cell in sheet[3]:
        cell.font, cell.alignment, cell.border = head_font, centre, box
    for name, cap in rows:
        sheet.append([cell_text(name), cap])
    total_row = sheet.max_row + 1
    sheet.append(["合　计", sum(cap for _name, cap in rows)])
    for row in sheet.iter_rows(min_row=4, max_row=total_row):
        for cell in row:
            cell.font, cell.alignment, cell.border = body_font, centre, box
        sheet.row_dimensions[row[0].row].height = 22
    for cell in sheet[total_row]:
        cell.font = head_font
    note_row = total_row + 1
    sheet.merge_cells(f"A{note_row}:B{note_row}")
    sheet[f"A{note_row}"] = f"注：推荐名额由各省地理标志拥有量（截至 {year - 1} 年底）确定。"
    sheet[f"A{note_row}"].font = Font(name="仿宋_GB2312", size=12)
    sheet[f"A{note_row}"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[note_row].height = 36
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_options.horizontalCentered = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class QuotaTableExporter(BaseExporter):
    identifier = "quotas"
    title = "推荐名额分配表"
    extension = "xlsx"
    content_type = XLSX

    def __init__(self, round: Any) -> None:
        self.round = round

    def render(self) -> Rendered:
        from dibiao.rounds.models import Quota

        quotas = (
            Quota.objects.filter(round=self.round)
            .select_related("province")
            .order_by("province__province_code", "province__sort_key", "province__name")
        )
        rows = [(quota.province.name, quota.cap) for quota in quotas]
        return Rendered(
            safe_filename(f"附件2-推荐名额分配表-{self.round.year}.xlsx", max_length=120),
            self.content_type,
            quota_bytes(rows, year=self.round.year),
        )
