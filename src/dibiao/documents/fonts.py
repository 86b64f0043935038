"""Compact copies of the Noto CJK fonts for the PDFs, made once on this machine.

Debian's Noto CJK fonts are collections of 65,000-glyph fonts. WeasyPrint subsets every font a
PDF uses, and for one of these that alone takes some 60 ms, whatever the number of characters
used: most of a PDF's time, with three fonts (宋/仿宋, its bold, 黑). So the PDF uses copies:
of the serif, with the characters Chinese documents use (GB 2312, ASCII, Latin-1, the general,
CJK and full-width punctuation, numbers and symbols: about 7,900 characters, 14,000 glyphs with
the alternates its layout features reach), which subsets several times faster; of the bold
serif and the sans, only with the characters of the form's own title and section heads, which
is all they print. Each copy is a family of its own (Dibiao Serif, Dibiao Title, Dibiao Sans):
were the bold copy another weight of Dibiao Serif, fontconfig would prefer the regular copy,
which covers the language, and draw the title with it, not bold, and the PDF would carry the
large serif twice. The copies have no hints and no subroutines, which the PDF's fonts do not
keep either. HarfBuzz makes each copy in under a second, from the simplified-Chinese face that
fontconfig finds; they are kept under var/fonts (DIBIAO_FONT_DIR) and remade when the system
fonts or the form's fixed text change (the obsolete copies are deleted a day after).

A character the copy lacks (a rare one in a name) is drawn with the system font that follows
it in the stylesheet's list; without HarfBuzz or the fonts, `available()` is empty and the PDF
uses the system fonts as they are.
"""

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# Name in the stylesheet → the fontconfig pattern of the font it is copied from, the weight,
# and which characters the copy keeps.
FACES = {
    "Dibiao Serif": ("Noto Serif CJK SC", "Regular", "normal", "text"),
    "Dibiao Title": ("Noto Serif CJK SC", "Bold", "bold", "title"),
    "Dibiao Sans": ("Noto Sans CJK SC", "Regular", "normal", "heads"),
}
CHARSET_VERSION = "gb2312-1"


def fixed_text_characters(kind: str) -> list[int]:
    """The characters of the form's title ("title") or of its section heads ("heads"), with
    digits, ASCII and the punctuation they use."""
    from dibiao.documents import content

    if kind == "title":
        text = "".join(content.TITLE_LINES)
    else:
        text = (
            "".join(content.SECTION_HEADINGS.values()) + content.INSTRUCTIONS_TITLE + content.ATTACHMENT_MARK
        )
    return sorted(
        set(map(ord, text)) | set(range(0x20, 0x7F)) | set(range(0x3000, 0x3020)) | set(range(0xFF00, 0xFF60))
    )


def characters_for(kind: str) -> list[int]:
    return characters() if kind == "text" else fixed_text_characters(kind)


def characters() -> list[int]:
    """The code points kept: GB 2312 (its 6,763 characters and its symbols), ASCII, Latin-1,
    general punctuation, letter-like symbols, number forms, arrows, enclosed numbers, CJK
    symbols and punctuation, and the half- and full-width forms."""
    points = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for start, end in (
        (0x2000, 0x2070),
        (0x2100, 0x2200),
        (0x2460, 0x2500),
        (0x3000, 0x3040),
        (0xFF00, 0xFFF0),
    ):
        points |= set(range(start, end))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return sorted(points)


def font_dir() -> Path:
    return Path(getattr(settings, "DIBIAO_FONT_DIR", "") or Path(settings.VAR_DIR) / "fonts")


def locate(family: str, style: str) -> tuple[str, int] | None:
    """The file and face index of an installed font, as fontconfig finds it, or None."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    found = subprocess.run(  # noqa: S603  a fixed program and a pattern of our own
        [fc_match, "-f", "%{file}\t%{index}\t%{family}", f"{family}:style={style}"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout
    parts = found.split("\t")
    if len(parts) != 3 or family not in parts[2].split(","):
        return None
    return parts[0], int(parts[1])


def _harfbuzz() -> tuple[Any, Any, Any]:
    """cffi bindings of the few HarfBuzz functions that `subset` needs."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(
        """
        typedef struct hb_blob_t hb_blob_t;
        typedef struct hb_face_t hb_face_t;
        typedef struct hb_set_t hb_set_t;
        typedef struct hb_subset_input_t hb_subset_input_t;
        hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
        void hb_blob_destroy (hb_blob_t *blob);
        const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
        hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
        void hb_face_destroy (hb_face_t *face);
        hb_blob_t *hb_face_reference_blob (hb_face_t *face);
        void hb_set_add (hb_set_t *set, uint32_t codepoint);
        void hb_set_clear (hb_set_t *set);
        void hb_set_invert (hb_set_t *set);
        hb_subset_input_t *hb_subset_input_create_or_fail (void);
        void hb_subset_input_destroy (hb_subset_input_t *input);
        hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
        void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
        hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
        """
    )
    return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")


SETS_UNICODE, SETS_NAME_ID, SETS_LAYOUT_FEATURE_TAG = 1, 4, 6
# The copies are stored without hints and subroutines, as WeasyPrint embeds them in the PDF
# anyway: its subsetting of each PDF's glyphs then has less to undo (a quarter faster).
FLAG_NO_HINTING, FLAG_DESUBROUTINIZE = 0x1, 0x4
COPY_FLAGS = FLAG_NO_HINTING | FLAG_DESUBROUTINIZE


def subset(source: str, index: int, target: Path, points: list[int]) -> None:
    """Write to `target` face `index` of font file `source`, keeping the code points `points`
    with every layout feature and name, and without hints or subroutines (`COPY_FLAGS`). Raises
    OSError when HarfBuzz cannot."""
    ffi, hb, hb_subset = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(source.encode())
    if blob == ffi.NULL:
        raise OSError(f"cannot read {source}")
    face = hb.hb_face_create(blob, index)
    request = hb_subset.hb_subset_input_create_or_fail()
    result = out = ffi.NULL
    try:
        unicodes = hb_subset.hb_subset_input_set(request, SETS_UNICODE)
        for point in points:
            hb.hb_set_add(unicodes, point)
        for kind in (SETS_NAME_ID, SETS_LAYOUT_FEATURE_TAG):  # keep them all
            kept = hb_subset.hb_subset_input_set(request, kind)
            hb.hb_set_clear(kept)
            hb.hb_set_invert(kept)
        hb_subset.hb_subset_input_set_flags(request, COPY_FLAGS)
        result = hb_subset.hb_subset_or_fail(face, request)
        if result == ffi.NULL:
            raise OSError(f"HarfBuzz could not subset {source}")
        out = hb.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(out, length)
        _write_atomically(target, bytes(ffi.buffer(data, length[0])))
    finally:
        if out != ffi.NULL:
            hb.hb_blob_destroy(out)
        if result != ffi.NULL:
            hb.hb_face_destroy(result)
        hb_subset.hb_subset_input_destroy(request)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".font-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # readable by the web server's and the worker's users alike
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _copy_name(name: str, source: str, index: int, points: list[int]) -> str:
    """The copy's file name: it changes when the system font or the characters kept do."""
    stat = os.stat(source)
    kept = hashlib.sha256(",".join(map(str, points)).encode()).hexdigest()
    key = f"{CHARSET_VERSION}|{COPY_FLAGS}|{source}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{kept}"
    return f"{name.lower().replace(' ', '-')}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.otf"


@cache
def available() -> dict[str, tuple[Path, str]]:
    """The compact copies, made if missing: {stylesheet name: (file, font-weight)}. Empty when
    they cannot be made (the PDF then uses the system fonts)."""
    copies: dict[str, tuple[Path, str]] = {}
    for name, (family, style, weight, kind) in FACES.items():
        try:
            found = locate(family, style)
            if found is None:
                logger.warning("documents: font %s %s not found; PDFs use the system fonts", family, style)
                return {}
            source, index = found
            points = characters_for(kind)
            target = font_dir() / _copy_name(name, source, index, points)
            if not target.is_file():
                subset(source, index, target, points)
                logger.info("documents: made %s from %s (face %s)", target.name, source, index)
            copies[name] = (target, weight)
        except (OSError, ValueError, subprocess.SubprocessError, ImportError) as error:
            logger.warning("documents: compact fonts unavailable (%s); PDFs use the system fonts", error)
            return {}
    remove_old_copies(font_dir(), {path for path, _weight in copies.values()})
    return copies


def remove_old_copies(directory: Path, kept: set[Path], *, older_than: float = 86400) -> int:
    """Delete the copies that a change of the system fonts or of the characters kept has made
    obsolete, once the copies in use are `older_than` seconds old (until then a process of the
    previous release may still be drawing with the old ones); return how many."""
    limit = time.time() - older_than
    try:
        if not kept or max(path.stat().st_mtime for path in kept) >= limit:
            return 0
    except OSError:
        return 0
    removed = 0
    for path in directory.glob("dibiao-*.otf"):
        try:
            if path not in kept:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def font_face_css() -> str:
    """@font-face rules for the compact copies and the font lists that put them first; "" when
    there are none."""
    copies = available()
    if not copies:
        return ""
    rules = [
        f'@font-face {{ font-family: "{name}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
        for name, (path, weight) in copies.items()
    ]
    serif = '"Dibiao Serif", "Noto Serif CJK SC", serif'
    title = f'"Dibiao Title", {serif}'
    sans = '"Dibiao Sans", "Noto Sans CJK SC", sans-serif'
    rules += [
        f"@page {{ @bottom-left {{ font-family: {serif}; }} @bottom-center {{ font-family: {serif}; }} }}",
        f"body.attachment-1, .cover .year, table.form .guidance {{ font-family: {serif}; }}",
        f".cover .title {{ font-family: {title}; }}",
        f".attachment-1 h2, .attachment-1 .mark {{ font-family: {sans}; }}",
    ]
    return "\n".join(rules)


def urls() -> set[str]:
    return {path.as_uri() for path, _weight in available().values()}
