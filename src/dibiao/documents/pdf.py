"""Attachment 1 as PDF: documents/form.html rendered by WeasyPrint.

The same template is the browser's print view (documents:print). The stylesheets are the
static files documents-form.css (shared with the browser) and documents-form-pdf.css (the
Noto CJK fonts of this machine, by name through fontconfig, and the page footer), then the
compact copies of those fonts (documents/fonts.py); they are parsed once per process. Each PDF
adds the footer's text and QR code in a few lines of its own (`page_css`). In place of
WeasyPrint's own user-agent stylesheet, which styles every element HTML has, `UA_STYLESHEET`
has the few rules the form's elements need. The PDF's streams are deflated at zlib's default
level, not pydyf's level 9 (`_compress_streams`), and the garbage collector waits until the PDF
is done (`_collected_once`). WeasyPrint fetches nothing from elsewhere: the QR code is an
inline data URI, and the URL fetcher refuses every URL that is neither a data: URI nor one of
the compact fonts' files.

A frozen version's PDF never changes for the same content, so `cached_pdf_bytes` keeps it
under MEDIA_ROOT/pdf-cache, keyed by everything printed and by the renderer itself.
"""

import atexit
import dataclasses
import gc
import hashlib
import json
import logging
import os
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from dibiao.documents import content as form
from dibiao.documents import fonts, qr
from dibiao.documents.base import PDF, FormExporter, Rendered
from dibiao.documents.content import FormContent

logger = logging.getLogger(__name__)
STYLESHEETS = ("css/documents-form.css", "css/documents-form-pdf.css")
# WeasyPrint logs every step of every page at INFO; only its warnings are worth a line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
COMPRESSION_LEVEL = 6

# WeasyPrint's own user-agent stylesheet styles every element HTML has (lists, forms, ruby,
# footnotes, sixteen margin boxes…): matching it against every element of the form costs more
# than the form's own stylesheets. This one has only what the form's elements need (its
# values are WeasyPrint's), headings' bookmarks included.
UA_STYLESHEET = """
head, meta, title, link, style, script { display: none }
html, body, section, nav, div, p, h1, h2 { display: block }
body { margin: 8px }
p { margin: 1em 0 }
h1 { margin: .67em 0; font-size: 2em }
h2 { margin: .83em 0; font-size: 1.5em }
h1, h2 { font-weight: bold; hyphens: manual; break-after: avoid; break-inside: avoid; bookmark-label: content(text) }
h1 { bookmark-level: 1 }
h2 { bookmark-level: 2 }
table { display: table; box-sizing: border-box; border-spacing: 2px; border-collapse: separate; text-indent: initial }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group }
tbody { display: table-row-group }
tr { display: table-row }
td, th { display: table-cell; padding: 1px }
thead, tbody { vertical-align: middle }
tr, td, th { vertical-align: inherit }
th { font-weight: bold }
table, td, th { border-color: gray }
thead, tbody, tr { border-color: inherit }
br::before { content: "\\A"; white-space: pre-line }
img { overflow: hidden }
@page { margin: 75px }
"""


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
    return html_and_qr(content)[0]


def html_and_qr(content: FormContent) -> tuple[str, str]:
    """The HTML that WeasyPrint renders and the QR code in it (a data: URI; "" for a draft)."""
    context = template_context(content, raster_qr=True, screen=False)
    return render_to_string("documents/form.html", context), context["qr_uri"]


# The footer's text and QR code, for each PDF (documents-form-pdf.css has the rest).
PAGE_CSS = "@page {{ @bottom-left {{ content: {text}; {image}}} }}"


def css_string(text: str) -> str:
    """`text` as a CSS string, quoted and escaped (line breaks included)."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7F else char
        for char in text
    )
    return f'"{escaped}"'


def page_css(content: FormContent, qr_uri: str) -> str:
    """The page footer of `content`'s PDF: its identity as the text of the bottom-left margin box
    and its QR code (a data: URI, or none for a draft) as that box's background image."""
    image = f'background-image: url("{qr_uri}"); ' if qr_uri else ""
    return PAGE_CSS.format(text=css_string("\n".join(content.footer_parts)), image=image)


@cache
def _fetcher() -> Any:
    """A URL fetcher for data: URIs (the QR code) and the compact fonts' files only. The
    stylesheets are read from their files directly; anything else is refused."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):  # type: ignore[misc]
        def __init__(self, files: set[str]) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=False)
            self.files = files

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:") and url not in self.files:
                raise ValueError(f"documents: refusing to fetch {url[:80]!r}")
            return super().fetch(url, headers)

    return LocalOnly(fonts.urls())


@cache
def _styles() -> tuple[Any, list[Any], Any]:
    """The font configuration, the parsed stylesheets and the user-agent stylesheet, built once
    per process (and shared by the archive's forked workers)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    sheets = [
        CSS(filename=str(_static_dir() / name), font_config=font_config, url_fetcher=_fetcher())
        for name in STYLESHEETS
    ]
    if faces := fonts.font_face_css():
        sheets.append(CSS(string=faces, font_config=font_config, url_fetcher=_fetcher()))
    defaults = CSS(string=UA_STYLESHEET, font_config=font_config, url_fetcher=_fetcher())
    return font_config, sheets, defaults


@cache
def _document_class() -> Any:
    """WeasyPrint's HTML with `UA_STYLESHEET` in place of its own user-agent stylesheet."""
    from weasyprint import HTML

    class FormHTML(HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, *args: Any, **kwargs: Any) -> list[Any]:
            return [_styles()[2]]

    return FormHTML


def _compress_streams(_document: Any, output: Any) -> None:
    """Deflate the PDF's streams at zlib's default level (pydyf uses level 9: twice as slow, for
    a file 0.3 % smaller). A stream with other than bytes in it is left to pydyf."""
    import pydyf

    for item in output.objects:
        if isinstance(item, pydyf.Stream) and item.compress:
            try:
                data = b"\n".join(item.stream)
            except TypeError:
                continue
            item.stream = [zlib.compress(data, COMPRESSION_LEVEL)]
            item.extra["Filter"] = "/FlateDecode"
            item.compress = False


# Drop the font configuration while the interpreter still runs: WeasyPrint's clean-up of it
# fails (harmlessly, but loudly) when it runs during the interpreter's own shutdown.
atexit.register(_styles.cache_clear)


@contextmanager
def _collected_once() -> Iterator[None]:
    """No garbage collection while a PDF is made, one of the youngest objects after.

    WeasyPrint makes some hundred thousand objects, most of which live until the PDF is written:
    Python's collector, which runs every few thousand new objects, would go through them again
    and again (8 % of a PDF's time). All of them are still the youngest generation when the PDF
    is done; the few cycles among them are collected then, in one pass."""
    if not gc.isenabled():  # someone else's choice: left as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def pdf_bytes(content: FormContent) -> bytes:
    from weasyprint import CSS

    font_config, sheets, _defaults = _styles()
    source, qr_uri = html_and_qr(content)
    page = CSS(string=page_css(content, qr_uri), font_config=font_config, url_fetcher=_fetcher())
    with _collected_once():
        document = _document_class()(string=source, base_url=str(_static_dir()), url_fetcher=_fetcher())
        data: bytes = document.write_pdf(
            stylesheets=[*sheets, page],
            font_config=font_config,
            uncompressed_pdf=False,
            finisher=_compress_streams,
        )
        del document
    return data


def warm_up() -> None:
    """Parse the stylesheets and load the fonts now (before forking workers, for example)."""
    _styles()


# --- the cache of frozen versions' PDFs ----------------------------------------------------------

CACHE_DIR = "pdf-cache"
CACHE_DAYS = 30


@cache
def renderer_version() -> str:
    """What else decides a PDF's bytes: the template, the stylesheets, the fonts, WeasyPrint."""
    import weasyprint

    parts = [(Path(__file__).parent / "templates" / "documents" / "form.html").read_bytes()]
    parts += [(_static_dir() / name).read_bytes() for name in STYLESHEETS]
    parts += [UA_STYLESHEET.encode(), PAGE_CSS.encode(), fonts.font_face_css().encode()]
    parts.append(weasyprint.__version__.encode())
    parts.append(f"zlib {COMPRESSION_LEVEL}".encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def cache_path(content: FormContent) -> Path:
    printed = json.dumps(dataclasses.asdict(content), sort_keys=True, ensure_ascii=False, default=str)
    key = hashlib.sha256(f"{renderer_version()}\0{printed}".encode()).hexdigest()
    return Path(settings.MEDIA_ROOT) / CACHE_DIR / key[:2] / f"{key}.pdf"


def cached_pdf_bytes(content: FormContent) -> bytes:
    """The PDF of `content`: a frozen version's from the cache when it was made before (the
    same content, the same renderer), otherwise rendered (and, if frozen, kept)."""
    if not content.is_frozen:
        return pdf_bytes(content)
    path = cache_path(content)
    try:
        data = path.read_bytes()
    except OSError:
        pass
    else:
        os.utime(path)  # recently used: kept by `purge_cache`
        return data
    data = pdf_bytes(content)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pdf-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        logger.warning("documents: could not keep a PDF in the cache", exc_info=True)
    return data


def purge_cache(max_age_days: int = CACHE_DAYS) -> int:
    """Delete cached PDFs not used for `max_age_days`; return how many."""
    root = Path(settings.MEDIA_ROOT) / CACHE_DIR
    if not root.is_dir():
        return 0
    limit = time.time() - max_age_days * 86400
    removed = 0
    for path in root.glob("*/*.pdf"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


class PdfExporter(FormExporter):
    identifier = "pdf"
    title = "PDF"
    extension = "pdf"
    content_type = PDF

    def render(self, *, with_version: bool = False) -> Rendered:
        return Rendered(
            self.filename(with_version=with_version), self.content_type, cached_pdf_bytes(self.content)
        )
