"""One sanitiser for every document the product writes (Word, PDF, Excel, zip names).

People paste text from Word, WPS, web pages and chat programs; with it come characters that
XML 1.0 forbids (NUL, ESC, vertical tab ...), which make python-docx, lxml, openpyxl and
WeasyPrint fail. Every exporter runs its text through `clean_text` (or a whole form through
`clean_data`) first, so one bad field never costs a document, let alone a round's archive.
"""

import re
import unicodedata
from typing import Any

# Word writes a manual line break as a vertical tab when text is copied out of it, and a
# page break as a form feed; Unicode has its own line and paragraph separators. All become
# line breaks, which every output shows as such.
LINE_BREAKS = ("\x0b", "\x0c", "\u2028", "\u2029", "\x85")
# What XML 1.0 forbids (C0 controls other than tab and line breaks, surrogates, U+FFFE/U+FFFF),
# plus DEL and the C1 controls, which no font draws and Excel refuses.
ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters that reorder text (right-to-left overrides and isolates): harmless in XML, but
# able to make a printed name or a file name read differently from what it is.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Anything at all to clean: one search in C, so that clean text (nearly all) costs little.
ANYTHING = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)

FORBIDDEN_IN_NAMES = set('<>:"/\\|?*')
WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def clean_text(value: Any) -> str:
    """`value` as text that every output format can hold: line breaks normalised to "\\n",
    characters that XML forbids removed, text reordering controls removed. None is ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not ANYTHING.search(text):
        return text  # the common case, quickly
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for line_break in LINE_BREAKS:
        if line_break in text:
            text = text.replace(line_break, "\n")
    text = ILLEGAL.sub("", text)
    return BIDI_CONTROLS.sub("", text)


def clean_data(value: Any) -> Any:
    """A form (dicts, lists, strings and scalars) with every string cleaned; a new object."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: clean_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_data(item) for item in value]
    return value


def one_line(value: Any) -> str:
    """Cleaned text on one line: line breaks and runs of white space become one space."""
    return " ".join(clean_text(value).split())


def safe_filename(name: Any, *, fallback: str = "file", max_length: int = 80) -> str:
    """A file or folder name that Windows, macOS and Linux all accept and that cannot escape
    its folder: one line, no control or path characters, no leading dot, no trailing dot or
    space, not a reserved Windows device name, at most `max_length` characters with the
    extension kept. Chinese and other letters stay as they are."""
    text = unicodedata.normalize("NFC", one_line(name))
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = "".join("_" if ch in FORBIDDEN_IN_NAMES else ch for ch in text)
    text = text.strip().lstrip(".").rstrip(" .")
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem or len(suffix) > 10 or " " in suffix:
        stem, suffix = text, ""
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    keep = max(1, max_length - (len(suffix) + 1 if suffix else 0))
    stem = stem[:keep].rstrip(" .")
    if not stem:
        stem = fallback
    return f"{stem}.{suffix}" if suffix else stem
