"""The QR code on the paper copy: what it says, and the code as PNG (Word) or SVG (PDF, print).

The payload is `DIBIAO:<编号 or recommendation id>:v<version>:<fingerprint>`, e.g.
`DIBIAO:2021-34-01:v2:0123456789ab`. A USB scanner types it into the paper-check field;
`documents.paper.parse` reads it back (also when a scanner or an input method turned its
colons full-width or its letters upper-case).
"""

import base64
import io

import segno

PREFIX = "DIBIAO"


def payload(*, number: str | None, rec_id: int, version: int, fingerprint: str) -> str:
    return f"{PREFIX}:{number or rec_id}:v{version}:{fingerprint}"


def png(text: str, *, scale: int = 4) -> bytes:
    """The code as a PNG (black on white, a quiet zone of two modules)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def png_data_uri(text: str) -> str:
    """The code as a PNG data URI (8 pixels a module: sharp when printed at 16 mm)."""
    return "data:image/png;base64," + base64.b64encode(png(text, scale=8)).decode("ascii")


def svg_data_uri(text: str) -> str:
    """The code as an SVG data URI: no file, no request, allowed by the strict CSP (img-src data:)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="svg", border=2, xmldecl=False, svgns=True, nl=False, unit="mm", scale=0.5
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
