"""Attachment 1 as PDF: rendered to an image it is not blank, its text has every value and the
copy's identity, it uses the Noto CJK fonts of this machine and fetches nothing."""

import re
import shutil
import subprocess

import pytest
from PIL import Image

from dibiao.documents import fonts, pdf
from tests.documents.factories import FULL_DATA, full_form, printed_values

pytestmark = pytest.mark.unit

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def poppler(tool, *args):
    """Run one of poppler-utils' tools (pdftotext, pdftoppm, pdffonts); its output as text."""
    return subprocess.run(
        [shutil.which(tool) or tool, *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def full_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "form.pdf"
    path.write_bytes(pdf.pdf_bytes(full_form()))
    return path


def pdf_text(path):
    """The text in drawing order: a table cell's lines stay together."""
    return poppler("pdftotext", "-raw", str(path), "-")


def dark_share(png_path):
    image = Image.open(png_path).convert("L")
    histogram = image.histogram()
    return sum(histogram[:128]) / (image.width * image.height)


@needs_poppler
def test_the_pdf_rendered_to_an_image_is_not_blank(full_pdf, tmp_path):
    poppler("pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(full_pdf), str(tmp_path / "page"))

    cover, first = sorted(tmp_path.glob("page*.png"))

    assert Image.open(first).size == (331, 468)  # A4 at 40 dpi
    assert 0.005 < dark_share(cover) < 0.5
    assert 0.01 < dark_share(first) < 0.5


@needs_poppler
def test_every_value_is_in_the_pdfs_text(full_pdf):
    text = "".join(pdf_text(full_pdf).split())

    missing = [value for value in printed_values(FULL_DATA) if "".join(value.split()) not in text]

    assert missing == []


@needs_poppler
def test_every_page_has_the_copys_identity_and_the_form_pages_are_numbered(full_pdf):
    pages = pdf_text(full_pdf).split("\f")[:-1]

    assert len(pages) >= 4
    for page in pages:
        assert "编号 2021-34-01" in page
        assert "版本 v2" in page
        assert "指纹 0123456789ab" in page
    numbers = [re.findall(r"—\s*(\d+)\s*—", page) for page in pages]
    assert numbers == [[]] + [[str(n)] for n in range(1, len(pages))]


def embedded_fonts(path):
    lines = poppler("pdffonts", str(path)).splitlines()[2:]
    return sorted({line.split()[0].split("+", 1)[-1] for line in lines})


@needs_poppler
def test_the_pdf_embeds_compact_copies_of_the_noto_cjk_fonts(full_pdf):
    assert sorted(fonts.available()) == ["Dibiao Sans", "Dibiao Serif", "Dibiao Title"]
    # The title's own family: only the bold copy carries it, so the title is drawn with it.
    assert embedded_fonts(full_pdf) == ["Dibiao-Sans", "Dibiao-Serif", "Dibiao-Title-Bold"]


@needs_poppler
def test_a_character_the_compact_font_lacks_comes_from_the_system_font(tmp_path):
    rare = "䶮"  # in a name; not in GB 2312
    data = {
        **FULL_DATA,
        "implementing_unit": {
            **FULL_DATA["implementing_unit"],
            "representative": {"name": f"刘{rare}", "title": "局长"},
        },
    }
    path = tmp_path / "rare.pdf"
    path.write_bytes(pdf.pdf_bytes(full_form(data=data)))

    assert ord(rare) not in fonts.characters()
    assert "Noto-Serif-CJK-SC" in embedded_fonts(path)
    assert f"刘{rare}" in pdf_text(path)


@pytest.mark.unit
def test_the_compact_serif_keeps_gb_2312_and_the_forms_punctuation():
    kept = set(fonts.characters())

    assert {ord(ch) for ch in "砀山酥梨（）、，。：；“”《》—…０１ＡaZ℃№①Ⅱ"} <= kept
    assert len(kept) > 7500


def test_a_frozen_versions_pdf_is_rendered_once(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    calls = []
    real = pdf.pdf_bytes
    monkeypatch.setattr(pdf, "pdf_bytes", lambda content: calls.append(content.rec_id) or real(content))

    first = pdf.cached_pdf_bytes(full_form())
    second = pdf.cached_pdf_bytes(full_form())
    other_number = pdf.cached_pdf_bytes(full_form(number="2021-34-09"))
    draft = pdf.cached_pdf_bytes(full_form(frozen=False))
    pdf.cached_pdf_bytes(full_form(frozen=False))

    assert first == second
    assert other_number != first
    assert draft.startswith(b"%PDF-")
    assert len(calls) == 4  # the first copy, the other number, the draft twice
    assert len(list((tmp_path / "pdf-cache").glob("*/*.pdf"))) == 2


def test_the_html_carries_the_qr_code_and_its_payload():
    html = pdf.html(full_form())

    assert 'alt="DIBIAO:2021-34-01:v2:0123456789ab"' in html
    assert "data:image/" in html
    assert "<script" not in html


def test_a_draft_has_no_qr_code():
    html = pdf.html(full_form(frozen=False))

    assert "DIBIAO:" not in html
    assert "草稿（未提交，无指纹）" in html


def test_the_footer_text_is_a_quoted_css_string_and_a_draft_has_no_code():
    assert pdf.css_string('编号 "1"\\2\n版本') == '"编号 \\22 1\\22 \\5c 2\\a 版本"'
    assert "background-image" in pdf.page_css(full_form(), "data:image/png;base64,AA")
    assert pdf.page_css(full_form(frozen=False), "") == (
        '@page { @bottom-left { content: "草稿（未提交，无指纹）"; } }'
    )


def test_control_characters_do_not_break_the_pdf():
    data = {
        **FULL_DATA,
        "project_name": "砀山\x00酥梨\x1b工程",
        "safeguards": "资金\x0b到位\ud800\x08。",
        "geographical_indications": [
            {**FULL_DATA["geographical_indications"][0], "name": "砀山\x7f酥梨\x9b"}
        ],
    }

    document = pdf.pdf_bytes(full_form(data=data))

    assert document.startswith(b"%PDF-")


def test_markup_in_a_field_is_text_and_nothing_is_fetched():
    data = {
        **FULL_DATA,
        "practices": '<img src="http://192.0.2.1/x.png"><link rel=stylesheet href="file:///etc/passwd">',
    }

    html = pdf.html(full_form(data=data))

    assert "&lt;img src=" in html
    with pytest.raises(ValueError, match="refusing"):
        pdf._fetcher().fetch("http://192.0.2.1/x.png")
    with pytest.raises(ValueError, match="refusing"):
        pdf._fetcher().fetch("file:///etc/passwd")


def test_every_column_width_of_the_template_is_in_the_stylesheet():
    from django.conf import settings

    html = pdf.html(full_form())
    css = (settings.BASE_DIR / "static" / "css" / "documents-form.css").read_text()

    used = set(re.findall(r'<col class="(w\d+)">', html))
    defined = set(re.findall(r"col\.(w\d+) \{ width: (\d+)mm; \}", css))
    assert used == {name for name, _mm in defined}
    assert all(name == f"w{mm}" for name, mm in defined)


@pytest.mark.django_db
def test_receiving_a_project_renders_its_pdf_on_the_worker_for_the_archive(
    settings, anhui_recommended, national_admin, django_capture_on_commit_callbacks
):
    from dibiao.documents import content
    from dibiao.recommendations import workflow
    from dibiao.recommendations.choices import Action

    settings.PRERENDER_PDFS = True
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(anhui_recommended, Action.RECEIVE, actor=national_admin)

    anhui_recommended.refresh_from_db()
    copy = content.form_content(anhui_recommended)
    assert copy.number == "2021-34-01"
    assert pdf.cache_path(copy).read_bytes().startswith(b"%PDF")


def test_obsolete_font_copies_go_a_day_after_their_replacements_were_made(tmp_path):
    import os
    import time

    kept, obsolete = tmp_path / "dibiao-serif-new.otf", tmp_path / "dibiao-serif-old.otf"
    other = tmp_path / "notes.txt"
    for path in (kept, obsolete, other):
        path.write_bytes(b"x")
    # The replacement is new: a process of the previous release may still use the old copy.
    assert fonts.remove_old_copies(tmp_path, {kept}) == 0
    assert obsolete.exists()

    two_days_ago = time.time() - 2 * 86400
    os.utime(kept, (two_days_ago, two_days_ago))
    assert fonts.remove_old_copies(tmp_path, {kept}) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dibiao-serif-new.otf", "notes.txt"]


def test_the_pdf_is_styled_with_the_lean_user_agent_stylesheet():
    """pdf.py replaces WeasyPrint's user-agent stylesheet through a method of its HTML class;
    if an upgrade renamed it, PDFs would stay right but slow: this says so."""
    from weasyprint import HTML

    assert callable(getattr(HTML, "_ua_stylesheets", None))
    document = pdf._document_class()(string="<p>x</p>")
    assert document._ua_stylesheets() == [pdf._styles()[2]]
