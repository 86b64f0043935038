"""A round's summary spreadsheet and archive, the quota table, and the shared sanitiser."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dibiao.documents import archive, collect, queries, services, xlsx
from dibiao.documents.choices import FileStatus
from dibiao.documents.models import GeneratedFile
from dibiao.documents.sanitise import clean_data, clean_text, safe_filename
from tests.documents.factories import FULL_DATA, full_form, second_project_data
from tests.factories import (
    PDF_BYTES,
    ProvinceFactory,
    QuotaFactory,
    complete_recommendation_data,
    received_recommendation,
    recommended_recommendation,
)

# --- the sanitiser -------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("砀山酥梨", "砀山酥梨"),
        ("a\x00b\x1bc\x07d\x08e", "abcde"),
        ("第一行\x0b第二行\x0c第三行\u2028第四行", "第一行\n第二行\n第三行\n第四行"),
        ("line\r\nline\rline", "line\nline\nline"),
        ("\ud800lone surrogate\ufffe\uffff", "lone surrogate"),
        ("名称\u202e反转\u2066", "名称反转"),
        ("tab\tkept", "tab\tkept"),
        ("\x7fdel\x9bcsi", "delcsi"),
        (None, ""),
        (12, "12"),
    ],
)
def test_clean_text_leaves_only_what_every_format_holds(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.unit
def test_clean_data_cleans_every_string_of_a_form():
    assert clean_data({"a": ["x\x00", {"b": "y\x1b"}], "n": 3, "none": None}) == {
        "a": ["x", {"b": "y"}],
        "n": 3,
        "none": None,
    }


@pytest.mark.unit
@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("2021-34-01-砀山酥梨.docx", "2021-34-01-砀山酥梨.docx"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ('a<b>c:d"e/f\\g|h?i*j.pdf', "a_b_c_d_e_f_g_h_i_j.pdf"),
        ("CON.txt", "_CON.txt"),
        ("name. . ", "name"),
        ("\x00\x1b", "file"),
        ("名称\u202egpj.exe", "名称gpj.exe"),
        ("项" * 200 + ".pdf", "项" * 76 + ".pdf"),
    ],
)
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


# --- the summary spreadsheet ---------------------------------------------------------------------


def item(data=None, **kwargs):
    content = full_form(data=data, **kwargs)
    return collect.Item(
        content=content,
        state="received",
        state_label="已接收",
        province="安徽省知识产权局",
        implementing_unit="宿州市市场监督管理局（知识产权局）",
    )


def sheet_of(data):
    workbook = load_workbook(io.BytesIO(data))
    return workbook.worksheets[0]


@pytest.mark.unit
def test_the_summary_has_a_frozen_chinese_header_and_one_row_per_project():
    sheet = sheet_of(xlsx.summary_bytes([item(), item(number="2021-34-02")]))

    header = [cell.value for cell in sheet[1]]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]

    assert header[:5] == ["编号", "状态", "推荐单位", "实施单位", "项目名称"]
    assert "地理标志" in header
    assert "项目介绍" in header
    assert "指纹" in header
    assert "纸件收到时间" in header
    assert sheet.freeze_panes == "A2"
    assert [row[0] for row in rows] == ["2021-34-01", "2021-34-02"]
    values = dict(zip(header, rows[0], strict=True))
    assert values["项目名称"] == "砀山酥梨地理标志运用促进工程"
    assert values["负责人手机"] == "13905571234"
    assert values["地理标志"] == (
        "砀山酥梨（砀山县酥梨协会；原国家质检总局 2006年12月31日、商标局 2008年5月14日；安徽省砀山县现辖行政区域）\n"
        "砀山黄桃（砀山县黄桃产业协会；农业农村部 2015年3月2日；砀山县良梨镇等十个乡镇）"
    )
    assert values["工作成果"] == FULL_DATA["achievements"]
    assert (
        values["附页及盖章页"]
        == "工作成果附页：成果附页一.pdf\n工作成果附页：成果附页二.pdf\n主要做法附页：做法附页.pdf"
    )
    assert values["实施单位意见日期"].date().isoformat() == "2021-09-01"
    assert (values["版本"], values["指纹"]) == ("v2", "0123456789ab")


@pytest.mark.unit
def test_column_widths_count_chinese_characters_twice():
    sheet = sheet_of(xlsx.summary_bytes([item()]))

    widths = {
        sheet.cell(1, index + 1).value: sheet.column_dimensions[letter].width
        for index, letter in enumerate("ABCDE")
    }

    # 宿州市市场监督管理局（知识产权局）: 17 wide characters = 34, plus the margin of 2.
    assert widths["实施单位"] == 34 + 2
    assert widths["编号"] == 10 + 2
    assert xlsx.display_width("编号ab") == 6


@pytest.mark.unit
@pytest.mark.parametrize("value", ["=1+1", '=HYPERLINK("http://x","y")', "+86 555", "-2+3", "@SUM(A1:A2)"])
def test_formula_like_text_stays_text(value):
    data = {
        **FULL_DATA,
        "project_name": value,
        "implementing_unit": {**FULL_DATA["implementing_unit"], "address": value},
    }

    raw = xlsx.summary_bytes([item(data=data)])
    sheet = sheet_of(raw)
    cell = sheet.cell(2, 5)

    assert cell.value == value
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.unit
def test_control_characters_do_not_break_the_summary():
    data = {
        **FULL_DATA,
        "project_name": "砀山\x00酥梨\x1b工程",
        "introduction": "第一行\x0b第二行\x08",
        "geographical_indications": [
            {"name": "酥梨\x01", "rights_holder": "\x1f协会", "approvals": [], "production_area": None}
        ],
    }

    sheet = sheet_of(xlsx.summary_bytes([item(data=data)]))
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))

    assert values["项目名称"] == "砀山酥梨工程"
    assert values["项目介绍"] == "第一行\n第二行"
    assert values["地理标志"] == "酥梨（协会）"


@pytest.mark.unit
def test_a_text_longer_than_a_cell_is_cut_with_a_note():
    data = {**FULL_DATA, "introduction": "字" * 40000}

    sheet = sheet_of(xlsx.summary_bytes([item(data=data)]))
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))

    assert len(values["项目介绍"]) == xlsx.MAX_CELL
    assert values["项目介绍"].endswith(xlsx.TRUNCATED)


# --- the quota table (Attachment 2) --------------------------------------------------------------


@pytest.mark.integration
def test_the_quota_table_is_laid_out_as_in_the_notice(round_2021, anhui, zhejiang):
    beijing = ProvinceFactory(province_code="11")
    QuotaFactory(round=round_2021, province=beijing, cap=2)

    rendered = xlsx.QuotaTableExporter(round_2021).render()
    sheet = sheet_of(rendered.data)

    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rendered.filename == "附件2-推荐名额分配表-2021.xlsx"
    assert rows == [
        ["附件 2", None],
        ["推荐名额分配表", None],
        ["单　位", "推荐数量（上限）"],
        ["北京市知识产权局", 2],
        ["浙江省知识产权局", 7],
        ["安徽省知识产权局", 7],
        ["合　计", 16],
        ["注：推荐名额由各省地理标志拥有量（截至 2020 年底）确定。", None],
    ]
    assert "A2:B2" in {str(r) for r in sheet.merged_cells.ranges}


# --- the archive ---------------------------------------------------------------------------------


def names_in(path):
    with zipfile.ZipFile(path) as package:
        return sorted(info.filename for info in package.infolist())


@pytest.fixture
def two_received(round_2021, hefei_officer, wuhu_officer, anhui_officer, national_admin):
    """Two Anhui recommendations received by CNIPA (2021-34-01 and -02); the second has
    control characters pasted into several fields (no NUL: PostgreSQL's jsonb refuses it, so
    it never reaches a stored form; the renderers' own tests cover it)."""
    first = received_recommendation(hefei_officer, anhui_officer, national_admin, round_2021)
    bad = second_project_data(
        introduction="　　复制来的\x0b文字\x07带有\x1b控制字符",
        implementing_unit={**complete_recommendation_data()["implementing_unit"], "address": "梨都\x08大道"},
    )
    second = received_recommendation(wuhu_officer, anhui_officer, national_admin, round_2021, data=bad)
    return first, second


@pytest.mark.integration
def test_the_archive_holds_word_pdf_attachments_and_summary_by_number_and_name(
    two_received, national_admin, tmp_path
):
    first, _second = two_received
    items = collect.collect(queries.round_recommendations(national_admin, first.round))
    target = tmp_path / "a.zip"

    problems = archive.write_archive(items, target, root="2021年推荐书-全国", summary=b"xlsx", processes=1)

    root = "2021年推荐书-全国"
    one = "2021-34-01-砀山酥梨地理标志运用促进工程"
    two = "2021-34-02-砀山黄桃品牌建设项目"
    assert problems == []
    assert names_in(target) == sorted(
        [
            f"{root}/汇总表.xlsx",
            f"{root}/{one}/{one}.docx",
            f"{root}/{one}/{one}.pdf",
            f"{root}/{one}/附件/实施单位盖章页-盖章页.pdf",
            f"{root}/{one}/附件/推荐单位盖章页-省局盖章页.pdf",
            f"{root}/{two}/{two}.docx",
            f"{root}/{two}/{two}.pdf",
            f"{root}/{two}/附件/实施单位盖章页-盖章页.pdf",
            f"{root}/{two}/附件/推荐单位盖章页-省局盖章页.pdf",
        ]
    )
    with zipfile.ZipFile(target) as package:
        assert all(info.flag_bits & 0x800 for info in package.infolist())
        assert package.read(f"{root}/{one}/附件/实施单位盖章页-盖章页.pdf") == PDF_BYTES
        assert package.read(f"{root}/{two}/{two}.pdf").startswith(b"%PDF-")


@pytest.mark.integration
def test_one_project_whose_pdf_fails_does_not_cost_the_archive(
    two_received, national_admin, tmp_path, monkeypatch
):
    first, _second = two_received
    items = collect.collect(queries.round_recommendations(national_admin, first.round))
    real = archive.pdf.pdf_bytes

    def fails_for_the_second(content):
        if content.number == "2021-34-02":
            raise ValueError("broken")
        return real(content)

    monkeypatch.setattr(archive.pdf, "pdf_bytes", fails_for_the_second)

    problems = archive.write_archive(items, tmp_path / "a.zip", root="r", processes=1)

    names = names_in(tmp_path / "a.zip")
    assert problems == ["2021-34-02 砀山黄桃品牌建设项目：PDF 文件未能生成：ValueError"]
    assert "r/2021-34-02-砀山黄桃品牌建设项目/2021-34-02-砀山黄桃品牌建设项目.docx" in names
    assert "r/2021-34-01-砀山酥梨地理标志运用促进工程/2021-34-01-砀山酥梨地理标志运用促进工程.pdf" in names
    with zipfile.ZipFile(tmp_path / "a.zip") as package:
        note = package.read("r/问题说明.txt").decode("utf-8-sig")
    assert "2021-34-02 砀山黄桃品牌建设项目：PDF 文件未能生成" in note


@pytest.mark.integration
def test_a_missing_attachment_file_is_listed_not_fatal(two_received, national_admin, tmp_path):
    first, _second = two_received
    # Both sealed pages of the factories have the same content, stored once: both are gone.
    first.attachments.first().file.delete(save=False)
    items = collect.collect(queries.round_recommendations(national_admin, first.round))

    problems = archive.write_archive(items, tmp_path / "a.zip", root="r", processes=1)

    label = "2021-34-01 砀山酥梨地理标志运用促进工程"
    assert problems == [
        f"{label}：附件“盖章页.pdf”的文件缺失，未能放入压缩包",
        f"{label}：附件“省局盖章页.pdf”的文件缺失，未能放入压缩包",
    ]
    assert (
        "r/2021-34-01-砀山酥梨地理标志运用促进工程/2021-34-01-砀山酥梨地理标志运用促进工程.pdf"
        in names_in(tmp_path / "a.zip")
    )


@pytest.mark.integration
def test_the_pdfs_are_rendered_in_worker_processes(two_received, national_admin, tmp_path):
    first, _second = two_received
    items = collect.collect(queries.round_recommendations(national_admin, first.round))
    seen = []

    problems = archive.write_archive(
        items,
        tmp_path / "a.zip",
        root="r",
        processes=2,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert problems == []
    assert seen == [(1, 2), (2, 2)]
    assert (
        len([name for name in names_in(tmp_path / "a.zip") if name.endswith(".pdf") and "附件" not in name])
        == 2
    )


@pytest.mark.integration
def test_a_province_gets_its_own_submitted_projects_the_administrator_the_recommended_ones(
    round_2021, hefei_officer, hangzhou_officer, anhui_officer, zhejiang_officer, national_admin
):
    from tests.factories import draft_recommendation, submitted_recommendation

    recommended = recommended_recommendation(hefei_officer, anhui_officer, round_2021)
    submitted = submitted_recommendation(hefei_officer, round_2021, data=second_project_data())
    draft_recommendation(hefei_officer, round_2021)
    zhejiang_one = submitted_recommendation(hangzhou_officer, round_2021)

    assert list(queries.round_recommendations(anhui_officer, round_2021)) == [recommended, submitted]
    assert list(queries.round_recommendations(national_admin, round_2021)) == [recommended]
    assert list(queries.round_recommendations(zhejiang_officer, round_2021)) == [zhejiang_one]
    assert list(queries.round_recommendations(hefei_officer, round_2021)) == []
    # A provincial officer cannot ask for another province.
    assert list(
        queries.round_recommendations(zhejiang_officer, round_2021, province=recommended.province)
    ) == [zhejiang_one]


# --- the archive as a background task ------------------------------------------------------------


@pytest.mark.integration
def test_building_the_archive_in_the_background_ends_with_a_download(
    client, two_received, anhui_officer, settings
):
    settings.DIBIAO_ARCHIVE_PROCESSES = 1
    first, _second = two_received
    client.force_login(anhui_officer)

    response = client.post(reverse("documents:archive_start", kwargs={"round_pk": first.round.pk}))

    generated = GeneratedFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:generated", kwargs={"pk": generated.pk})
    assert (generated.status, generated.progress, generated.item_count, generated.error) == (
        FileStatus.DONE,
        100,
        2,
        "",
    )
    assert generated.province == first.province
    assert generated.filename == "2021年推荐书-安徽省知识产权局.zip"
    page = client.get(response["Location"])
    assert reverse("documents:generated_download", kwargs={"pk": generated.pk}) in page.text
    assert 'hx-trigger="every 2s"' not in page.text
    download = client.get(reverse("documents:generated_download", kwargs={"pk": generated.pk}))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''2021%E5%B9%B4%E6%8E%A8%E8%8D%90%E4%B9%A6-"
        "%E5%AE%89%E5%BE%BD%E7%9C%81%E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83%E5%B1%80.zip"
    )
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as package:
        assert "2021年推荐书-安徽省知识产权局/汇总表.xlsx" in package.namelist()


@pytest.mark.integration
def test_while_it_is_built_the_page_polls_its_progress_every_two_seconds(client, round_2021, anhui_officer):
    from django.utils import timezone

    generated = GeneratedFile.objects.create(
        kind="archive",
        round=round_2021,
        province=anhui_officer.organisation,
        requested_by=anhui_officer,
        status=FileStatus.RUNNING,
        progress=42,
        filename="x.zip",
        expires_at=timezone.now() + services.keep_for(),
    )
    client.force_login(anhui_officer)
    url = reverse("documents:generated", kwargs={"pk": generated.pk})

    page = client.get(url)
    partial = client.get(url, headers={"HX-Request": "true"})

    assert 'hx-trigger="every 2s"' in page.text
    progress = f'<progress id="progress-{generated.pk}" class="export-progress" max="100" value="42">'
    assert progress in page.text
    assert partial.text.lstrip().startswith('<div class="card generated-file"')
    assert "<html" not in partial.text
    assert client.get(reverse("documents:generated_download", kwargs={"pk": generated.pk})).status_code == 404


@pytest.mark.integration
def test_a_rerun_of_the_task_changes_nothing_and_expired_files_are_deleted(
    two_received, national_admin, settings, time_machine
):
    import datetime as dt
    from pathlib import Path

    settings.DIBIAO_ARCHIVE_PROCESSES = 1
    first, _second = two_received
    generated = services.request_archive(actor=national_admin, round=first.round)
    generated.refresh_from_db()
    path = Path(settings.MEDIA_ROOT) / generated.path
    assert generated.status == FileStatus.DONE
    assert path.is_file()

    assert services.build_archive(generated.pk).path == generated.path

    time_machine.shift(dt.timedelta(days=8))
    assert services.purge_expired() == 1
    assert not path.exists()
    assert not GeneratedFile.objects.exists()


@pytest.mark.integration
def test_a_recommended_versions_pdf_can_be_made_in_advance(
    anhui_received, round_2021, hefei_officer, settings
):
    from pathlib import Path

    from dibiao.documents import content, pdf
    from dibiao.documents.tasks import task_prerender_pdf
    from tests.factories import draft_recommendation

    draft = draft_recommendation(hefei_officer, round_2021)

    assert task_prerender_pdf.enqueue(anhui_received.pk).return_value is True
    assert task_prerender_pdf.enqueue(draft.pk).return_value is False
    assert pdf.cache_path(content.form_content(anhui_received)).is_file()
    assert len(list((Path(settings.MEDIA_ROOT) / "pdf-cache").glob("*/*.pdf"))) == 1


@pytest.mark.integration
def test_the_commands_prepare_the_fonts_and_purge_expired_files(db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("prepare_pdf_fonts", stdout=out)
    call_command("purge_exports", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["Dibiao Sans", "Dibiao Serif", "Dibiao Title"]
    assert lines[3] == "0 expired file(s) deleted"


@pytest.mark.integration
def test_a_build_that_fails_says_so_on_the_page(client, round_2021, anhui_officer, monkeypatch):
    def broken(recs, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.collect, "collect", broken)
    client.force_login(anhui_officer)

    response = client.post(reverse("documents:archive_start", kwargs={"round_pk": round_2021.pk}))

    generated = GeneratedFile.objects.get()
    page = client.get(response["Location"])
    assert generated.status == FileStatus.FAILED
    assert generated.path == ""
    assert "压缩包未能生成（RuntimeError）" in page.text
    assert 'hx-trigger="every 2s"' not in page.text
