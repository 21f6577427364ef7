"""Checking uploaded attachments: the type from the content (never the name), the size, the name.

Accepted: PDF, HWP (OLE compound file), HWPX, DOCX, XLSX (ZIP with the expected inner member),
PNG and JPEG. Programs (Windows MZ, ELF, Mach-O) and scripts are refused with a message that says
so, whatever they are called. The size limit is the setting ``APPLICATION_ATTACHMENT_MAX_BYTES``
(20 MB unless set).
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 512

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
HWPX_MIMETYPE = b"application/hwp+zip"
EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
SCRIPT_STARTS = (b"#!", b"@echo", b"<script", b"<?php", b"<%", b"<html", b"<!doctype html", b"<svg")


@dataclass(frozen=True)
class FileType:
    """A kind of document we accept: how its content starts, its content type and the name
    endings it may have. The ZIP-based kinds share a signature and are told apart by their members
    (``_zip_type``)."""

    kind: str
    signature: bytes
    content_type: str
    extensions: tuple[str, ...]


# Every accepted type, in the order the refusal messages name them.
FILE_TYPES = {
    file_type.kind: file_type
    for file_type in (
        FileType("pdf", b"%PDF-", "application/pdf", (".pdf",)),
        FileType("hwp", OLE, "application/x-hwp", (".hwp",)),
        FileType("hwpx", ZIP, "application/hwp+zip", (".hwpx",)),
        FileType("docx", ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
        FileType("xlsx", ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
        FileType("png", b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
        FileType("jpeg", b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    )
}
ACCEPTED_TYPE_NAMES = ", ".join(kind.upper() for kind in FILE_TYPES)


def max_attachment_bytes() -> int:
    return int(getattr(settings, "APPLICATION_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _zip_type(stream: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return FILE_TYPES["docx"]
            if "xl/workbook.xml" in names:
                return FILE_TYPES["xlsx"]
            if "mimetype" in names and archive.read("mimetype").strip() == HWPX_MIMETYPE:
                return FILE_TYPES["hwpx"]
            if any(name.startswith("Contents/") for name in names):
                return FILE_TYPES["hwpx"]
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return None
    return None


def file_type_detect(upload: Any) -> FileType:
    """The accepted type of ``upload`` judged from its bytes, or ``ValidationError`` saying why not.

    ``upload`` is a Django ``UploadedFile`` (or any object with ``size``, ``seek`` and ``read``).
    """
    size = upload.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = max_attachment_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    lowered = head.lstrip().lower()
    if head.startswith(EXECUTABLE_SIGNATURES) or lowered.startswith(SCRIPT_STARTS):
        raise ValidationError(
            _("This file is a program or a script, not a document, whatever its name says. It was refused."),
            code="executable",
        )
    if head.startswith(ZIP):
        file_type = _zip_type(upload)
        upload.seek(0)
        if file_type is None:
            raise ValidationError(
                _("This ZIP archive is not a DOCX, XLSX or HWPX document. Accepted types: %(types)s.")
                % {"types": ACCEPTED_TYPE_NAMES},
                code="unsupported_zip",
            )
        return file_type
    file_type = next((kind for kind in FILE_TYPES.values() if head.startswith(kind.signature)), None)
    if file_type is None:
        raise ValidationError(
            _("This type of file is not accepted. Accepted types: %(types)s.") % {"types": ACCEPTED_TYPE_NAMES},
            code="unsupported",
        )
    return file_type


_UNSAFE_CHARACTERS = re.compile(r'[<>:"|?*\x00]')
MAX_NAME_LENGTH = 150


def filename_sanitise(name: str, file_type: FileType | None = None) -> str:
    """A file name safe to show and to send back in Content-Disposition.

    Drops any directory part (``/`` or ``\\``) and control characters, replaces characters that
    Windows forbids, keeps Korean and other letters, and, when ``file_type`` is given, makes the
    ending say what the content is (``report.pdf`` holding a PNG becomes ``report.pdf.png``).
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(character for character in name if unicodedata.category(character)[0] != "C")
    name = _UNSAFE_CHARACTERS.sub("_", name).strip().lstrip(".").strip()
    stem, extension = os.path.splitext(name)
    if file_type is not None and extension.lower() not in file_type.extensions:
        stem, extension = name, file_type.extensions[0]
    stem = stem[: MAX_NAME_LENGTH - len(extension)] or _("attachment")
    return f"{stem}{extension.lower()}"
