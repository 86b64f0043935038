"""Importing the two county lists, and how many of its counties each unit has on them."""

import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from dibiao.core.errors import DomainError, ImportProblems
from dibiao.organisations.choices import CountyList, Kind, Level
from dibiao.organisations.models import CountyDesignation, Organisation
from dibiao.organisations.queries import county_counts, designated_counties, with_county_counts
from dibiao.organisations.services import add_xpcc_division, import_county_list
from tests.organisations.conftest import provincial_unit, unit

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

POOR = CountyList.POVERTY_ALLEVIATED
KEY = CountyList.KEY_SUPPORT


def csv_bytes(*lines, encoding="utf-8"):
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(*rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def on_list(county_list):
    return sorted(
        CountyDesignation.objects.filter(list=county_list).values_list("division__code", "division__name")
    )


def test_a_csv_with_a_header_replaces_the_list(loaded):
    data = csv_bytes("县代码,县名称", "340121,长丰县", "341122,来安县", "340121,长丰县")

    result = import_county_list(POOR, data=data, filename="脱贫县.csv")

    assert (result.count, result.added, result.removed, result.duplicates) == (2, 2, 0, 1)
    assert on_list(POOR) == [("340121", "长丰县"), ("341122", "来安县")]
    assert on_list(KEY) == []


def test_an_xlsx_with_numbers_as_cells_is_read(loaded):
    data = xlsx_bytes(["代码"], [340121], ["341122"], [None], [341182.0])

    result = import_county_list(KEY, data=data, filename="重点帮扶县.XLSX")

    assert result.count == 3
    assert on_list(KEY) == [("340121", "长丰县"), ("341122", "来安县"), ("341182", "明光市")]


def test_a_gbk_csv_from_chinese_excel_is_read(loaded):
    data = csv_bytes("行政区划代码,名称", "341122,来安县", encoding="gbk")

    import_county_list(POOR, data=data, filename="list.csv")

    assert on_list(POOR) == [("341122", "来安县")]


def test_a_new_import_replaces_the_old_list(loaded):
    import_county_list(POOR, data=csv_bytes("340121", "341122"), filename="a.csv")

    result = import_county_list(POOR, data=csv_bytes("341122", "341182"), filename="b.csv")

    assert (result.count, result.added, result.removed) == (2, 1, 1)
    assert on_list(POOR) == [("341122", "来安县"), ("341182", "明光市")]


def test_unknown_codes_are_named_by_row_and_nothing_changes(loaded):
    import_county_list(POOR, data=csv_bytes("340121"), filename="a.csv")
    data = csv_bytes("代码", "341122", "999999", "340100", "340102")

    with pytest.raises(ImportProblems) as refused:
        import_county_list(POOR, data=data, filename="b.csv")

    # 340100 is 合肥市 (prefecture-level); 340102 is 瑶海区 now, 东市区 before 2002: it counts.
    assert refused.value.problems == [
        "第 3 行：999999 不是2020年12月31日有效的县级行政区划代码。",
        "第 4 行：340100 不是2020年12月31日有效的县级行政区划代码。",
    ]
    assert refused.value.message == "有 2 个代码不是有效的县级行政区划代码，名单未导入，数据未作任何改动。"
    assert on_list(POOR) == [("340121", "长丰县")]


def test_a_code_out_of_force_on_the_date_is_refused(loaded):
    # 341822 广德县 became 广德市 (341882) in 2019.
    with pytest.raises(ImportProblems) as refused:
        import_county_list(POOR, data=csv_bytes("341822"), filename="a.csv")
    assert refused.value.problems == ["第 1 行：341822 不是2020年12月31日有效的县级行政区划代码。"]

    import_county_list(POOR, data=csv_bytes("341822"), filename="a.csv", as_of=dt.date(2018, 12, 31))
    assert on_list(POOR) == [("341822", "广德县")]


def test_cells_that_are_not_codes_are_named_by_row(loaded):
    with pytest.raises(ImportProblems) as refused:
        import_county_list(POOR, data=csv_bytes("代码", "34012", "长丰县"), filename="a.csv")
    assert refused.value.problems == [
        "第 2 行：“34012”不是6位行政区划代码。",
        "第 3 行：“长丰县”不是6位行政区划代码。",
    ]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"340121\n", "list.xls", "请上传 .csv 或 .xlsx 文件。"),
        (b"not a workbook", "list.xlsx", "无法按 Excel 工作簿（.xlsx）读取该文件。"),
        ("代码\n".encode(), "list.csv", "文件中没有县级行政区划代码。"),
        (
            b"\xff\xfe\x00\xd8",
            "list.csv",
            "该 CSV 文件既非 UTF-8 编码也非 GBK 编码，请另存为“CSV UTF-8”格式后重新上传。",
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused(loaded, data, filename, message):
    with pytest.raises(DomainError) as refused:
        import_county_list(POOR, data=data, filename=filename)
    assert refused.value.message == message
    assert CountyDesignation.objects.count() == 0


def test_the_command_imports_and_refuses_like_the_page(loaded, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes("340121", "341122"))
    out = StringIO()
    call_command("import_county_list", "--list", "poverty_alleviated", str(good), stdout=out)
    assert out.getvalue().strip() == "脱贫县：共 2 个县（新增 2 个，移除 0 个）。"

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("340121", "999999"))
    with pytest.raises(CommandError) as refused:
        call_command("import_county_list", "--list", "poverty_alleviated", str(bad), stdout=StringIO())
    assert "第 2 行：999999" in str(refused.value)
    assert on_list(POOR) == [("340121", "长丰县"), ("341122", "来安县")]


def test_each_unit_counts_its_own_counties_on_each_list(loaded, xpcc):
    # 长丰县, 肥西县 under 合肥; 来安县 under 滁州; 东城区 is a unit itself; 济源 is one itself.
    import_county_list(
        POOR, data=csv_bytes("340121", "340123", "341122", "110101", "419001"), filename="a.csv"
    )
    import_county_list(KEY, data=csv_bytes("340123", "419001"), filename="b.csv")
    xpcc_division = add_xpcc_division("第一师知识产权局", actor=None)

    expected = {
        "340100": (2, 1),  # 合肥市
        "341100": (1, 0),  # 滁州市
        "340200": (0, 0),  # 芜湖市
        "110101": (1, 0),  # 东城区
        "110102": (0, 0),  # 西城区
        "419001": (1, 1),  # 济源市: itself only, not the other county-level units coded 4190xx
    }
    units = with_county_counts(Organisation.objects.filter(code__in=expected, kind=Kind.IMPLEMENTING))
    assert {u.code: (u.poverty_alleviated_count, u.key_support_count) for u in units} == expected
    for code, (poor, key) in expected.items():
        assert county_counts(unit(code)) == {"poverty_alleviated": poor, "key_support": key}

    others = with_county_counts(
        Organisation.objects.filter(pk__in=[provincial_unit("34").pk, xpcc_division.pk])
    )
    assert [(o.poverty_alleviated_count, o.key_support_count) for o in others] == [(None, None), (None, None)]
    assert county_counts(xpcc_division) == {"poverty_alleviated": 0, "key_support": 0}
    assert [c.name for c in designated_counties(unit("340100"), POOR)] == ["长丰县", "肥西县"]
    assert unit("340100").level == Level.PREFECTURE
