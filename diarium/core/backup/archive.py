"""The backup archive: a tar stream (gzip-compressed by default), written and
read front to back, so it can go to and come from a pipe.

    diarium-backup.json               the header: format, versions, database, migrations, proofs, tables
    data/<nnnn>-<table>/<nnnnnn>.jsonl  the rows, a chunk per member, tables in dependency order
    files/<storage name>              each stored file; its SHA-256 in the PAX header DIARIUM.sha256
    files.jsonl                       the list of files: name, size, sha256
    manifest.json                     row counts and digests per table, the files' count, bytes and digest

The manifest comes last because it is computed as the rows stream by: an
archive without it is truncated, and a restore refuses it.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

from .dump import Header, Rows, StoredFile, Trailer

HEADER = "diarium-backup.json"
MANIFEST = "manifest.json"
FILE_LIST = "files.jsonl"
SHA_KEY = "DIARIUM.sha256"


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_member(name, len(data)), io.BytesIO(data))


def write(entries: Iterable, out: IO[bytes], *, compress: bool = True) -> dict:
    """Write the entries to `out` as the archive; returns the manifest."""
    stream = gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) if compress else out
    manifest: dict = {}
    with tempfile.TemporaryFile() as file_list:
        tar = tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT)
        try:
            tables: dict[str, list[int]] = {}  # label -> [position, chunks]
            for entry in entries:
                if isinstance(entry, Header):
                    _add_bytes(tar, HEADER, json.dumps(entry.data, ensure_ascii=False, indent=1).encode())
                elif isinstance(entry, Rows):
                    place = tables.setdefault(entry.table, [len(tables) + 1, 0])
                    place[1] += 1
                    _add_bytes(tar, f"data/{place[0]:04d}-{entry.table}/{place[1]:06d}.jsonl", b"".join(entry.lines))
                elif isinstance(entry, StoredFile):
                    info = _member("files/" + entry.name, entry.size)
                    info.pax_headers = {SHA_KEY: entry.sha256}
                    tar.addfile(info, entry.content)
                    file_list.write(json.dumps({"name": entry.name, "size": entry.size, "sha256": entry.sha256},
                                               ensure_ascii=False).encode() + b"\n")
                elif isinstance(entry, Trailer):
                    manifest = entry.data
                    size = file_list.tell()
                    file_list.seek(0)
                    tar.addfile(_member(FILE_LIST, size), file_list)
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        except BaseException:
            close = getattr(entries, "close", None)
            if close is not None:
                close()  # the producer ends its snapshot now
            raise
        finally:
            try:
                tar.close()
                if compress:
                    stream.close()
            except BrokenPipeError:
                pass  # the reader is gone; the first error is the one raised
    out.flush()
    return manifest


def broken(detail: str = "") -> DomainError:
    return DomainError(_("Arkivet är skadat eller avkortat och kan inte läsas till slutet%(detail)s. Inget har "
                         "återlästs.") % {"detail": f" ({detail})" if detail else ""})


def read(source: IO[bytes]) -> Iterator:
    """The archive's entries, in order. A StoredFile's content is readable
    until the next entry is asked for. Raises DomainError (in Swedish) on an
    archive that is not one, is damaged or ends early."""
    try:
        tar = tarfile.open(fileobj=source, mode="r|*")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise DomainError(_("Filen är inget arkiv från diarium backup (%(error)s).") % {"error": exc}) from None
    seen_header = seen_manifest = False
    try:
        for member in tar:
            name = member.name
            if not seen_header:
                if name != HEADER or not member.isfile():
                    raise DomainError(_("Filen är inget arkiv från diarium backup: det börjar inte med %(name)s.")
                                      % {"name": HEADER})
                seen_header = True
                yield Header(_json(tar, member))
            elif name.startswith("data/") and member.isfile():
                parts = name.split("/")
                if len(parts) != 3 or "-" not in parts[1]:
                    raise broken(name)
                data = tar.extractfile(member).read()
                yield Rows(parts[1].split("-", 1)[1], data.splitlines(keepends=True))
            elif name.startswith("files/") and member.isfile():
                sha256 = member.pax_headers.get(SHA_KEY, "")
                yield StoredFile(name[len("files/"):], member.size, sha256, tar.extractfile(member))
            elif name == FILE_LIST:
                continue  # the list is for people and tools; the manifest's digest covers it
            elif name == MANIFEST:
                seen_manifest = True
                yield Trailer(_json(tar, member))
            else:
                raise broken(name)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise broken(str(exc)) from None
    if not seen_header:
        raise DomainError(_("Filen är tom eller inget arkiv från diarium backup."))
    if not seen_manifest:
        raise broken(_("manifestet i slutet saknas"))


def _json(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict:
    try:
        data = json.loads(tar.extractfile(member).read())
    except ValueError as exc:
        raise broken(f"{member.name}: {exc}") from None
    if not isinstance(data, dict):
        raise broken(member.name)
    return data
