"""Attachment 1 as PDF: documents/form.html rendered by WeasyPrint.

The same template is the browser's print view (documents:print). The stylesheets are the
static files documents-form.css (shared with the browser) and documents-form-pdf.css (the
Noto CJK fonts of this machine, by name through fontconfig); they are parsed once per process.
WeasyPrint fetches nothing: the QR code is an inline SVG data URI and the URL fetcher refuses
every URL that is not a data: URI.
"""

import logging
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from dibiao.documents import content as form
from dibiao.documents import qr
from dibiao.documents.base import PDF, FormExporter, Rendered
from dibiao.documents.content import FormContent

STYLESHEETS = ("css/documents-form.css", "css/documents-form-pdf.css")
# WeasyPrint logs every step of every page at INFO; only its warnings are worth a line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _static_dir() -> Path:
    return Path(settings.BASE_DIR) / "static"


def marks() -> dict[str, Any]:
    """The form's fixed text, for the template."""
    return {
        "attachment": form.ATTACHMENT_MARK,
        "number": form.NUMBER_LABEL,
        "title_lines": form.TITLE_LINES,
        "gi_headers": form.GI_HEADERS,
        "attached_pages": form.ATTACHED_PAGES,
        "support_guidance": form.SUPPORT_GUIDANCE,
        "seal": form.SEAL,
        "instructions_title": form.INSTRUCTIONS_TITLE,
        "instructions": form.INSTRUCTIONS,
    }


def template_context(content: FormContent, *, raster_qr: bool = False, **extra: Any) -> dict[str, Any]:
    """The template's context. The QR code is an SVG (sharp at any zoom, for the browser) or,
    with `raster_qr`, a PNG: WeasyPrint draws an SVG anew on every page (its few hundred
    squares cost more than the page's text), while a PNG is one image that each page reuses."""
    if not content.is_frozen:
        qr_uri = ""
    elif raster_qr:
        qr_uri = qr.png_data_uri(content.payload)
    else:
        qr_uri = qr.svg_data_uri(content.payload)
    return {"form": content, "marks": marks(), "headings": form.SECTION_HEADINGS, "qr_uri": qr_uri, **extra}


def html(content: FormContent) -> str:
    """The form as the HTML that WeasyPrint renders (no toolbar, no stylesheet link)."""
    return render_to_string("documents/form.html", template_context(content, raster_qr=True, screen=False))


@cache
def _fetcher() -> Any:
    """A URL fetcher for data: URIs only (the QR code). The stylesheets are read from their
    files directly; anything else that a text might smuggle in is refused."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)


@cache
def _styles() -> tuple[Any, list[Any]]:
    """The font configuration and parsed stylesheets, built once per process (and shared by
    the archive's forked workers)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [
        CSS(filename=str(_static_dir() / name), font_config=fonts, url_fetcher=_fetcher())
        for name in STYLESHEETS
    ]
    return fonts, sheets


def pdf_bytes(content: FormContent) -> bytes:
    from weasyprint import HTML

    fonts, sheets = _styles()
    document = HTML(string=html(content), base_url=str(_static_dir()), url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=sheets, font_config=fonts, uncompressed_pdf=False)


def warm_up() -> None:
    """Parse the stylesheets and load the fonts now (before forking workers, for example)."""
    _styles()


class PdfExporter(FormExporter):
    identifier = "pdf"
    title = "PDF"
    extension = "pdf"
    content_type = PDF

    def render(self, *, with_version: bool = False) -> Rendered:
        return Rendered(self.filename(with_version=with_version), self.content_type, pdf_bytes(self.content))
