"""Downloads of one recommendation (Word, PDF, print view) and a round's downloads page."""

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

pytestmark = pytest.mark.integration


def footer_of(response):
    document = Document(io.BytesIO(response.content))
    footer = document.sections[0].footer
    return "\n".join(cell.text for table in footer.tables for row in table.rows for cell in row.cells), footer


def disposition(name):
    return f"attachment; filename*=utf-8''{quote(name)}"


def test_word_of_a_received_recommendation_carries_its_latest_version(client, anhui_received, anhui_officer):
    v2 = anhui_received.versions.get(number=2)
    client.force_login(anhui_officer)

    response = client.get(reverse("documents:word", kwargs={"pk": anhui_received.pk}))

    text, footer = footer_of(response)
    assert response.status_code == 200
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == disposition("2021-34-01-砀山酥梨地理标志运用促进工程.docx")
    assert text.split("\n")[:3] == ["编号 2021-34-01", "版本 v2", f"指纹 {v2.fingerprint}"]
    assert (
        footer._element.find(".//" + qn("wp:docPr")).get("descr") == f"DIBIAO:2021-34-01:v2:{v2.fingerprint}"
    )


def test_a_given_version_carries_that_versions_fingerprint(client, anhui_received, hefei_officer):
    v1 = anhui_received.versions.get(number=1)
    client.force_login(hefei_officer)

    response = client.get(reverse("documents:word", kwargs={"pk": anhui_received.pk}), {"version": "1"})

    text, _footer = footer_of(response)
    assert text.split("\n")[:3] == ["编号 2021-34-01", "版本 v1", f"指纹 {v1.fingerprint}"]
    assert response["Content-Disposition"] == disposition("2021-34-01-砀山酥梨地理标志运用促进工程-v1.docx")
    assert (
        client.get(reverse("documents:word", kwargs={"pk": anhui_received.pk}), {"version": "9"}).status_code
        == 404
    )
    assert (
        client.get(reverse("documents:word", kwargs={"pk": anhui_received.pk}), {"version": "x"}).status_code
        == 404
    )


def test_a_drafts_word_is_named_and_marked_as_a_draft(client, round_2021, hefei_officer):
    from tests.factories import complete_recommendation_data, draft_recommendation

    rec = draft_recommendation(
        hefei_officer, round_2021, data=complete_recommendation_data(project_name='项目/名称:"甲"')
    )
    client.force_login(hefei_officer)

    response = client.get(reverse("documents:word", kwargs={"pk": rec.pk}))

    text, _footer = footer_of(response)
    assert response["Content-Disposition"] == disposition("草稿-项目_名称__甲_.docx")
    assert text.startswith("草稿（未提交，无指纹）")


def test_the_pdf_downloads_with_its_name(client, anhui_received, national_admin):
    client.force_login(national_admin)

    response = client.get(reverse("documents:pdf", kwargs={"pk": anhui_received.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == disposition("2021-34-01-砀山酥梨地理标志运用促进工程.pdf")
    assert response["Cache-Control"] == "private, no-store"


def test_a_submitted_recommendation_without_number_is_named_unnumbered(
    client, anhui_submitted, anhui_officer
):
    client.force_login(anhui_officer)

    response = client.get(reverse("documents:word", kwargs={"pk": anhui_submitted.pk}))

    assert response["Content-Disposition"] == disposition("未编号-砀山酥梨地理标志运用促进工程.docx")


def test_the_print_view_is_the_same_form_with_a_linked_stylesheet_and_no_inline_code(
    client, anhui_received, anhui_officer
):
    v2 = anhui_received.versions.get(number=2)
    client.force_login(anhui_officer)

    response = client.get(reverse("documents:print", kwargs={"pk": anhui_received.pk}))

    html = response.text
    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/documents-form.css">' in html
    assert "<style" not in html
    assert "style=" not in html
    assert "<script" not in html
    assert "地理标志运用促进工程" in html
    assert "重点项目推荐书" in html
    assert "（2021 年）" in html
    assert f"指纹 {v2.fingerprint}" in html
    assert f'alt="DIBIAO:2021-34-01:v2:{v2.fingerprint}"' in html
    assert "data:image/svg+xml;base64," in html
    assert reverse("documents:word", kwargs={"pk": anhui_received.pk}) in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("url_name", ["documents:word", "documents:pdf", "documents:print"])
def test_another_provinces_officer_gets_a_404(client, anhui_received, zhejiang_officer, url_name):
    client.force_login(zhejiang_officer)

    response = client.get(reverse(url_name, kwargs={"pk": anhui_received.pk}))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["documents:word", "documents:pdf", "documents:print"])
def test_a_province_does_not_see_a_draft_never_submitted(
    client, round_2021, hefei_officer, anhui_officer, url_name
):
    from tests.factories import draft_recommendation

    rec = draft_recommendation(hefei_officer, round_2021)
    client.force_login(anhui_officer)

    assert client.get(reverse(url_name, kwargs={"pk": rec.pk})).status_code == 404


def test_the_round_downloads_page_offers_the_summary_and_the_archive(client, anhui_received, national_admin):
    client.force_login(national_admin)

    page = client.get(reverse("documents:round_exports", kwargs={"round_pk": anhui_received.round.pk}))

    assert page.status_code == 200
    assert reverse("documents:summary_xlsx", kwargs={"round_pk": anhui_received.round.pk}) in page.text
    assert reverse("documents:archive_start", kwargs={"round_pk": anhui_received.round.pk}) in page.text
    assert reverse("documents:quota_xlsx", kwargs={"round_pk": anhui_received.round.pk}) in page.text


def test_the_summary_downloads_as_xlsx_for_the_chosen_province(
    client, anhui_received, national_admin, zhejiang
):
    from openpyxl import load_workbook

    client.force_login(national_admin)
    url = reverse("documents:summary_xlsx", kwargs={"round_pk": anhui_received.round.pk})

    everyone = client.get(url)
    only_zhejiang = client.get(url, {"province": zhejiang.pk})

    assert everyone["Content-Disposition"] == disposition("2021年推荐书-全国-汇总表.xlsx")
    rows = list(load_workbook(io.BytesIO(everyone.content)).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["编号", "2021-34-01"]
    rows = list(load_workbook(io.BytesIO(only_zhejiang.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1


def test_the_quota_table_is_the_administrators(client, round_2021, national_admin, anhui_officer):
    url = reverse("documents:quota_xlsx", kwargs={"round_pk": round_2021.pk})

    client.force_login(anhui_officer)
    assert client.get(url).status_code == 403
    client.force_login(national_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition("附件2-推荐名额分配表-2021.xlsx")
