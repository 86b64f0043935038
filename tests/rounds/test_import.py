"""Importing the quota table (Attachment 2): good files in every form Excel and editors save,
and every kind of bad file refused with the row named and nothing changed."""

import codecs
import io

import pytest
from openpyxl import Workbook

from dibiao.core.errors import ImportProblems
from dibiao.core.models import AuditEvent
from dibiao.rounds import services
from dibiao.rounds.models import Quota
from tests.rounds.conftest import reference_rows

pytestmark = pytest.mark.django_db

HEADER = "province_code,unit_name,quota"


def caps(round):
    return dict(Quota.objects.filter(round=round).values_list("province__province_code", "cap"))


def csv_with(replace: dict[int, str] | None = None, *, header: str = HEADER, extra: list[str] = ()) -> bytes:
    """The reference file, with data row n (the file's row n + 1) replaced, and lines added."""
    lines = [header] + [",".join(row.values()) for row in reference_rows()]
    for number, line in (replace or {}).items():
        lines[number - 1] = line
    return ("\n".join([*lines, *extra]) + "\n").encode()


def xlsx_of(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reference_as_xlsx(*, codes_as_numbers: bool) -> bytes:
    rows = [HEADER.split(",")]
    for row in reference_rows():
        code = int(row["province_code"]) if codes_as_numbers else row["province_code"]
        rows.append([code, row["unit_name"], int(row["quota"])])
    return xlsx_of(rows)


# --- good files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "utf-8",
        "utf-8 with BOM",
        "GBK",
        "GB18030 with CRLF",
        "UTF-16 tab-separated",
        "xlsx",
        "xlsx, codes as numbers",
    ],
)
def test_reference_file_imports_with_total_184(variant, round_2021, all_provinces, quota_csv, national_admin):
    text = quota_csv.decode("utf-8")
    data = {
        "utf-8": quota_csv,
        "utf-8 with BOM": codecs.BOM_UTF8 + quota_csv,
        "GBK": text.encode("gbk"),
        "GB18030 with CRLF": text.replace("\n", "\r\n").encode("gb18030"),
        "UTF-16 tab-separated": text.replace(",", "\t").encode("utf-16"),
        "xlsx": reference_as_xlsx(codes_as_numbers=False),
        "xlsx, codes as numbers": reference_as_xlsx(codes_as_numbers=True),
    }[variant]

    result = services.import_quotas(
        round_2021, data, actor=national_admin, basis="国知发运字〔2021〕20号附件2"
    )

    assert len(result) == 32
    assert sum(result.values()) == 184
    assert caps(round_2021) == {row["province_code"]: int(row["quota"]) for row in reference_rows()}
    beijing = Quota.objects.get(round=round_2021, province__province_code="11")
    assert (beijing.cap, beijing.basis) == (2, "国知发运字〔2021〕20号附件2")
    # GBK was read as GBK: names matched, nothing garbled.
    assert (
        Quota.objects.get(round=round_2021, province__province_code="63").province.name
        == "青海省知识产权管理机构"
    )


def test_import_records_one_audit_event(round_2021, all_provinces, quota_csv, national_admin):
    services.import_quotas(round_2021, quota_csv, actor=national_admin)

    event = AuditEvent.objects.get()
    assert (event.verb, event.actor, event.data["total"]) == ("quotas.import", national_admin, 184)
    assert event.data["changes"]["37"] == [None, 10]


def test_reimport_replaces_every_quota(quotas_2021, national_admin):
    changed = csv_with({2: "11,北京市知识产权局,3", 16: "37,山东省知识产权局,9"})

    result = services.import_quotas(quotas_2021, changed, actor=national_admin, basis="新依据")

    assert (result["11"], result["37"], sum(result.values())) == (3, 9, 184)
    assert Quota.objects.filter(round=quotas_2021).count() == 32
    assert set(Quota.objects.filter(round=quotas_2021).values_list("basis", flat=True)) == {"新依据"}


def test_names_may_differ_in_spaces_and_full_width_digits(round_2021, all_provinces, national_admin):
    data = csv_with({2: "１１, 北京市 知识产权局 ,２"})

    result = services.import_quotas(round_2021, data, actor=national_admin)

    assert result["11"] == 2


def test_blank_rows_and_trailing_empty_cells_are_ignored(round_2021, all_provinces, national_admin):
    data = csv_with(header=HEADER + ",,", extra=[",,", ""]).replace(b"\n11,", b"\n,,\n11,")

    assert sum(services.import_quotas(round_2021, data, actor=national_admin).values()) == 184


# --- bad files: every problem named, nothing changed ------------------------------------------

BAD_FILES = {
    "unknown province code": (
        csv_with({33: "67,新疆生产建设兵团知识产权局,3"}),
        [
            "第 33 行：“67”不是省级知识产权局的代码。",
            "文件缺少以下单位的行：66 新疆生产建设兵团知识产权局。文件必须列出全部省级知识产权局。",
        ],
    ),
    "name of another unit": (
        csv_with({3: "12,北京市知识产权局,2"}),
        ["第 3 行：单位名称“北京市知识产权局”与代码 12 不符，该代码对应的单位是“天津市知识产权局”。"],
    ),
    "empty unit name": (
        csv_with({3: "12,,2"}),
        ["第 3 行：单位名称为空，代码 12 对应的单位是“天津市知识产权局”。"],
    ),
    "empty province code": (
        csv_with({3: ",天津市知识产权局,2"}),
        [
            "第 3 行：省份代码为空。",
            "文件缺少以下单位的行：12 天津市知识产权局。文件必须列出全部省级知识产权局。",
        ],
    ),
    "missing column": (
        b"province_code,unit_name\n11,\xe5\x8c\x97\xe4\xba\xac\n",
        ["缺少列：quota。第一行应为：province_code,unit_name,quota"],
    ),
    "extra column": (
        csv_with(header=HEADER + ",remark"),
        ["多余的列：remark。第一行应为：province_code,unit_name,quota"],
    ),
    "renamed column": (
        csv_with(header="province_code,unit_name,名额"),
        [
            "缺少列：quota。第一行应为：province_code,unit_name,quota",
            "多余的列：名额。第一行应为：province_code,unit_name,quota",
        ],
    ),
    "column named twice": (
        csv_with(header="province_code,unit_name,quota,quota"),
        ["列名重复：quota。"],
    ),
    "a row with an extra value": (
        csv_with({5: "14,山西省知识产权局,4,备注"}),
        ["第 5 行：该行有 4 个值，但表头只有 3 列。"],
    ),
    "negative quota": (
        csv_with({5: "14,山西省知识产权局,-1"}),
        ["第 5 行：名额 -1 为负数，应不小于 0。"],
    ),
    "fractional quota": (
        csv_with({5: "14,山西省知识产权局,2.5"}),
        ["第 5 行：名额“2.5”不是整数。"],
    ),
    "quota in Chinese numerals": (
        csv_with({5: "14,山西省知识产权局,三"}),
        ["第 5 行：名额“三”不是整数。"],
    ),
    "empty quota": (
        csv_with({5: "14,山西省知识产权局,"}),
        ["第 5 行：名额为空。"],
    ),
    "huge quota": (
        csv_with({5: "14,山西省知识产权局,40000"}),
        ["第 5 行：名额 40000 过大，最多为 999。"],
    ),
    "province twice": (
        csv_with(extra=["11,北京市知识产权局,2"]),
        ["第 34 行：省份代码 11 与第 2 行重复。"],
    ),
    "neither UTF-8 nor GBK": (
        HEADER.encode() + b"\n11,\x80\x80,2\n",
        ["文件编码既不是 UTF-8 也不是 GBK，请另存为“CSV UTF-8”格式后重新上传。"],
    ),
    "empty file": (b"", ["该文件为空。"]),
    "only a BOM and blank lines": (codecs.BOM_UTF8 + b"\r\n\r\n", ["该文件为空。"]),
    "header only": (HEADER.encode() + b"\n", ["文件只有表头，没有数据行。"]),
    "a picture": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        ["文件不是电子表格，请上传 .csv 或 .xlsx 文件。"],
    ),
    "old binary .xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        ["这是旧版 Excel（.xls）文件，请另存为 .xlsx 或“CSV UTF-8”格式后重新上传。"],
    ),
    "damaged .xlsx": (
        b"PK\x03\x04" + b"not really a workbook" * 10,
        ["无法读取该 Excel 工作簿（.xlsx），文件可能已损坏。"],
    ),
    "xlsx with a fractional quota": (
        xlsx_of(
            [HEADER.split(","), *[[r["province_code"], r["unit_name"], 2.5] for r in reference_rows()[:1]]]
        ),
        ["第 2 行：名额“2.5”不是整数。"],
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_file_is_refused_with_every_problem_and_changes_nothing(case, quotas_2021, national_admin):
    data, expected = BAD_FILES[case]
    before_caps = caps(quotas_2021)
    before_events = AuditEvent.objects.count()

    with pytest.raises(ImportProblems) as refused:
        services.import_quotas(quotas_2021, data, actor=national_admin, basis="不应写入")

    problems = refused.value.problems
    if case == "xlsx with a fractional quota":
        # The one-row workbook also lacks 31 provinces.
        assert problems[0] == expected[0]
        assert problems[1].startswith("文件缺少以下单位的行：12 天津市知识产权局、13 河北省知识产权局")
    else:
        assert problems == expected
    assert refused.value.message == "文件未导入，数据未作任何改动。请修改以下问题后重新上传："
    assert caps(quotas_2021) == before_caps
    assert sum(before_caps.values()) == 184
    assert not Quota.objects.filter(round=quotas_2021, basis="不应写入").exists()
    assert AuditEvent.objects.count() == before_events


def test_every_problem_of_a_file_is_listed_together(quotas_2021, national_admin):
    data = csv_with(
        {
            3: "12,天津市知识产权局,2.5",
            5: "14,北京市知识产权局,-3",
            10: "99,某某局,1",
        }
    )

    with pytest.raises(ImportProblems) as refused:
        services.import_quotas(quotas_2021, data, actor=national_admin)

    assert refused.value.problems == [
        "第 3 行：名额“2.5”不是整数。",
        "第 5 行：单位名称“北京市知识产权局”与代码 14 不符，该代码对应的单位是“山西省知识产权局”。",
        "第 5 行：名额 -3 为负数，应不小于 0。",
        "第 10 行：“99”不是省级知识产权局的代码。",
        "文件缺少以下单位的行：31 上海市知识产权局。文件必须列出全部省级知识产权局。",
    ]


def test_first_import_of_a_bad_file_writes_no_quota_at_all(round_2021, all_provinces, national_admin):
    with pytest.raises(ImportProblems):
        services.import_quotas(
            round_2021, csv_with({33: "66,新疆生产建设兵团知识产权局,三"}), actor=national_admin
        )

    assert not Quota.objects.filter(round=round_2021).exists()
