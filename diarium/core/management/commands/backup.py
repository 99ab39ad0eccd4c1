"""`diarium backup [--output FILE|-]`: the database (one consistent snapshot)
and every stored file as one streaming archive (diarium.core.backup)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from diarium.core.backup import backup_write
from diarium.core.errors import DomainError


def error_text(exc: DomainError) -> str:
    lines = [exc.message]
    for messages in exc.errors.values():
        lines += [f"  – {m}" for m in messages if m != exc.message]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Säkerhetskopierar databasen och alla lagrade filer till ett arkiv (tar, gzip)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FIL",
                            help="Arkivet att skriva, eller - för standard ut (förval: "
                                 "diarium-ÅÅÅÅMMDD-TTMMSS.tar.gz i aktuell katalog).")
        parser.add_argument("--no-compress", action="store_true", help="Okomprimerad tar i stället för tar.gz.")

    def handle(self, *args, output=None, no_compress=False, **options):
        compress = not no_compress
        if output == "-":
            report = self.stderr
            # The archive gets standard out to itself: anything else written there while it runs (JSON
            # log lines, DIARIUM_LOG_FORMAT=json) goes to standard error instead of into the archive.
            sys.stdout.flush()
            archive_fd = os.dup(1)
            os.dup2(2, 1)
            try:
                with os.fdopen(archive_fd, "wb", closefd=False) as out:
                    manifest = backup_write(out, compress=compress)
            except DomainError as exc:
                raise CommandError(error_text(exc)) from None
            except BrokenPipeError:
                raise CommandError("Den som läste arkivet från standard ut slutade läsa: säkerhetskopian är "
                                   "ofullständig (den saknar manifestet och kan inte återläsas).") from None
            finally:
                sys.stdout.flush()
                os.dup2(archive_fd, 1)
                os.close(archive_fd)
        else:
            report = self.stdout
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = Path(output or f"diarium-{stamp}.tar{'.gz' if compress else ''}")
            if path.exists():
                raise CommandError(f"{path} finns redan; välj ett annat namn.")
            part = path.with_name(path.name + ".part")
            try:
                with open(part, "xb") as out:
                    manifest = backup_write(out, compress=compress)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(part, path)
            except DomainError as exc:
                part.unlink(missing_ok=True)
                raise CommandError(error_text(exc)) from None
            except OSError as exc:
                part.unlink(missing_ok=True)
                raise CommandError(f"Arkivet {path} kunde inte skrivas: {exc.strerror or exc}. Inget sparades.") from None
            except BaseException:
                part.unlink(missing_ok=True)
                raise
            report.write(f"Säkerhetskopian skrevs till {path}.")
        tables = manifest.get("tables", {})
        files = manifest.get("files", {})
        rows = sum(t["rows"] for t in tables.values())
        report.write(f"{len(tables)} tabeller med {rows} rader och {files.get('count', 0)} filer "
                     f"({files.get('bytes', 0)} byte).")
        for name in manifest.get("damaged_files", []):
            report.write(f"VARNING: filen {name} stämmer inte med sin SHA-256 (fillagringen är skadad); "
                         f"den togs med som den är.")
        for name in manifest.get("vanished_files", []):
            report.write(f"Obs: filen {name} togs bort medan säkerhetskopian skrevs (gallring) och ingår inte.")
