"""Exporting the quota table: a CSV Excel opens, a workbook that reads well, and both import
back unchanged."""

import codecs
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dibiao.rounds import exporters, services
from dibiao.rounds.models import Quota
from tests.rounds.conftest import QUOTA_FILE, reference_rows

pytestmark = pytest.mark.django_db


def test_csv_export_is_utf8_with_bom_and_the_import_columns(quotas_2021):
    rendered = exporters.quotas_csv(quotas_2021)

    assert rendered.filename == "quotas-2021.csv"
    assert rendered.data.startswith(codecs.BOM_UTF8)
    lines = rendered.data[3:].decode("utf-8").split("\r\n")
    assert lines[0] == "province_code,unit_name,quota"
    assert lines[1] == "11,北京市知识产权局,2"
    assert lines[32] == "66,新疆生产建设兵团知识产权局,3"
    assert lines[33:] == [""]


def test_xlsx_export_has_a_frozen_header_and_columns_fit_chinese_text(quotas_2021):
    rendered = exporters.quotas_xlsx(quotas_2021)

    assert rendered.filename == "quotas-2021.xlsx"
    sheet = load_workbook(io.BytesIO(rendered.data)).worksheets[0]
    assert sheet.title == "2021年推荐名额"
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("province_code", "unit_name", "quota")
    assert rows[1] == ("11", "北京市知识产权局", 2)
    assert len(rows) == 33
    assert sheet["A1"].font.bold
    # 新疆生产建设兵团知识产权局 is 13 characters: 26 Latin widths, plus a margin.
    assert sheet.column_dimensions["B"].width >= 26
    assert sheet.column_dimensions["A"].width >= len("province_code")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_export_import_round_trips(fmt, quotas_2021, national_admin):
    services.set_quotas(quotas_2021, {"11": 4, "66": 0}, actor=national_admin)
    before = dict(Quota.objects.filter(round=quotas_2021).values_list("province__province_code", "cap"))

    exported = exporters.EXPORTERS[fmt](quotas_2021).data
    result = services.import_quotas(quotas_2021, exported, actor=national_admin)

    assert result == before
    assert (result["11"], result["66"]) == (4, 0)


# --- the management command --------------------------------------------------------------------


def test_import_quotas_command_imports_the_reference_file(round_2021, all_provinces):
    out = io.StringIO()

    call_command("import_quotas", "--round", "2021", str(QUOTA_FILE), stdout=out)

    assert out.getvalue().strip() == "2021年度：已导入 32 个名额，合计 184 个。"
    assert sum(Quota.objects.filter(round=round_2021).values_list("cap", flat=True)) == 184


def test_import_quotas_command_lists_problems_and_changes_nothing(round_2021, all_provinces, tmp_path):
    lines = ["province_code,unit_name,quota"] + [",".join(row.values()) for row in reference_rows()]
    lines[4] = "14,山西省知识产权局,2.5"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError, match="文件未导入"):
        call_command("import_quotas", "--round", "2021", str(bad), stderr=err)

    assert err.getvalue().strip() == "第 5 行：名额“2.5”不是整数。"
    assert not Quota.objects.exists()


def test_import_quotas_command_needs_an_existing_round(all_provinces):
    with pytest.raises(CommandError, match="没有 2030 年度的推荐批次"):
        call_command("import_quotas", "--round", "2030", str(QUOTA_FILE))
