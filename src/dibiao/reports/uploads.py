"""Checking uploaded files by their content, and storing them by their SHA-256.

A file is accepted when its extension is one of the allowed kinds *and* its content is that
kind: PDF by its header, JPEG and PNG by decoding them with Pillow, Word (.docx) as a zip whose
main part is a Word document and that carries no macros. Names are sanitised; the stored path
is the content hash, never the uploader's name.
"""

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# Extension → (content type, the kind's name for messages).
DOCUMENT_KINDS = {
    ".pdf": (PDF, "PDF"),
    ".docx": (DOCX, "Word (.docx)"),
    ".jpg": (JPEG, "JPEG"),
    ".jpeg": (JPEG, "JPEG"),
    ".png": (PNG, "PNG"),
}
PHOTO_KINDS = {key: value for key, value in DOCUMENT_KINDS.items() if value[0] in (JPEG, PNG)}

MAX_NAME_LENGTH = 150
FORBIDDEN_IN_NAMES = set('<>:"/\\|?*')
# Pillow refuses images beyond this many pixels (a decompression bomb).
MAX_PIXELS = 60_000_000


class UploadError(ValueError):
    """The file was refused; `message` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str
    width: int = 0
    height: int = 0


def sanitise_filename(name: str) -> str:
    """The file's own name without any directory, control or forbidden characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char for char in name if char not in FORBIDDEN_IN_NAMES and unicodedata.category(char)[0] != "C"
    )
    name = name.strip().strip(".")
    path = PurePosixPath(name or "file")
    stem, suffix = path.stem, path.suffix.lower()
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    file.seek(0)
    return int(size)


def _sha256(file: Any) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _image_size(file: Any, expected_format: str) -> tuple[int, int] | None:
    """(width, height) if the file decodes as an image of `expected_format`, else None."""
    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.format != expected_format:
                return None
            width, height = image.size
            if width * height > MAX_PIXELS:
                return None
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        file.seek(0)
    return width, height


def _is_docx(file: Any) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return False
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return False
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    finally:
        file.seek(0)
    return DOCX_MAIN in types


def check_upload(file: Any, kinds: dict[str, tuple[str, str]], *, max_mb: int) -> CheckedFile:
    """Check `file` against `kinds` (extension → type) and the size limit; raise UploadError."""
    allowed = "、".join(sorted({label for _type, label in kinds.values()}))
    name = sanitise_filename(getattr(file, "name", "") or "")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in kinds:
        raise UploadError(_("Only these kinds of file can be uploaded: %(kinds)s.") % {"kinds": allowed})
    size = _size(file)
    if size == 0:
        raise UploadError(_("This file is empty."))
    if size > max_mb * 1024 * 1024:
        raise UploadError(
            _("A file may be at most %(max)d MB; this one has %(size).1f MB.")
            % {"max": max_mb, "size": size / 1024 / 1024}
        )
    content_type, label = kinds[suffix]
    width = height = 0
    if content_type == PDF:
        file.seek(0)
        ok = file.read(5) == b"%PDF-"
        file.seek(0)
    elif content_type == DOCX:
        ok = _is_docx(file)
    else:
        dimensions = _image_size(file, "JPEG" if content_type == JPEG else "PNG")
        ok = dimensions is not None
        if dimensions:
            width, height = dimensions
    if not ok:
        raise UploadError(
            _(
                "The content of this file is not %(kind)s, although its name ends in %(suffix)s. "
                "Only these kinds of file can be uploaded: %(kinds)s."
            )
            % {"kind": label, "suffix": suffix, "kinds": allowed}
        )
    return CheckedFile(name, content_type, size, _sha256(file), width, height)


def store(instance: Any, uploaded_file: Any, checked: CheckedFile) -> None:
    """Put the file where `instance.file`'s upload_to says; the same content is stored once."""
    path = instance.file.field.generate_filename(instance, checked.name)
    storage = instance.file.storage
    if storage.exists(path):
        instance.file.name = path
        return
    uploaded_file.seek(0)
    instance.file.save(checked.name, File(uploaded_file, name=checked.name), save=False)
