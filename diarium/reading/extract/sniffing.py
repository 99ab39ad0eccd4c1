"""Which format a file is: told by the content (magic bytes, libmagic), the
name's extension only where the content does not tell (a damaged file)."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from .limits import MiB
from .plain import _decode_text

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_TEXT_SUFFIXES = {".txt", ".text", ".asc", ".md"}


def _sniff(name: str, data: bytes) -> str:
    """"pdf", "docx", "text" or "image" (read), or what else the file is (refused)."""
    head = data[:1024]
    suffix = PurePosixPath((name or "").replace("\\", "/")).suffix.lower()
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, suffix)
    if data.startswith(_OLE):
        return _ole_kind(data, suffix)
    if data[:64].lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if data.startswith(_IMAGE_SIGNATURES):
        return "image"
    mime = _mime(data)
    if mime in ("text/html", "application/xhtml+xml") and suffix not in _TEXT_SUFFIXES:
        return "html"
    if mime in ("text/xml", "application/xml") and suffix not in _TEXT_SUFFIXES:
        return "xml"
    if mime == "message/rfc822" or suffix in (".eml", ".msg"):
        return "email"
    if _decode_text(data[:65536]) is not None:  # a prefix tells; _read_text limits the whole
        return "text"
    if mime.startswith("image/"):
        return "image-other"
    # Nothing in the content tells: a damaged file, named for what it was meant to be.
    return {".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".doc": "doc", ".odt": "odt",
            ".rtf": "rtf"}.get(suffix, "unknown")


def _mime(data: bytes) -> str:
    try:
        import magic

        return magic.from_buffer(data[:65536], mime=True) or ""
    except Exception:  # libmagic missing or confused: the content is judged without it
        return ""


def _zip_kind(data: bytes, suffix: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100)
    except Exception:
        return "docx-damaged" if suffix in (".docx", ".docm", ".dotx") else "damaged"
    if "word/document.xml" in names:
        return "docx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "odt"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "odf"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def _ole_kind(data: bytes, suffix: str) -> str:
    """An OLE2 compound file: Word, Excel or PowerPoint 97-2003, an Outlook
    message, or a DOCX encrypted with a password (Office keeps those in an
    OLE container)."""
    if "EncryptedPackage".encode("utf-16-le") in data[:10 * MiB]:
        return "office-encrypted"
    mime = _mime(data)
    if "outlook" in mime or suffix == ".msg":
        return "email"
    if "excel" in mime:
        return "xls"
    if "powerpoint" in mime:
        return "ppt"
    return "doc"
