"""`diarium restore FILE|-`: an archive from `diarium backup` into an empty
database and the file storage, in one transaction, verified before it
commits (diarium.core.backup)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from diarium.core.backup import restore_read
from diarium.core.errors import DomainError

from .backup import error_text


def report_lines(report) -> list[str]:
    lines = []
    wrong = [t for t in report.tables if not t.digest_ok]
    lines.append(f"{len(report.tables)} tabeller, {report.rows} rader: radantal och kontrollsummor stämmer med "
                 f"manifestet." if not wrong else f"{len(wrong)} tabeller stämmer INTE.")
    for name, heads in sorted(report.proofs.items()):
        if name == "registry.chain_heads":
            lines.append(f"Historikens kedjor: {len(heads)} {'organisation' if len(heads) == 1 else 'organisationer'}, "
                         f"huvudena är desamma som i säkerhetskopian (lagrade och omräknade).")
        else:
            lines.append(f"Beviset {name} är detsamma som i säkerhetskopian.")
    if report.migrated_forward:
        lines.append(f"Databasen migrerades vidare med {len(report.migrated_forward)} migreringar till den här "
                     f"versionen av Diarium.")
    lines += report.notes
    return lines


class Command(BaseCommand):
    help = "Återläser ett arkiv från diarium backup till en tom databas och fillagringen."

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="FIL", help="Arkivet, eller - för standard in.")

    def handle(self, *args, archive, **options):
        def say(text):
            self.stderr.write(text)

        try:
            if archive == "-":
                report = restore_read(sys.stdin.buffer, progress=say)
            else:
                try:
                    source = open(archive, "rb")  # noqa: SIM115 (closed below)
                except OSError as exc:
                    raise CommandError(f"Arkivet {archive} kan inte öppnas: {exc.strerror}.") from None
                with source:
                    report = restore_read(source, progress=say)
        except DomainError as exc:
            raise CommandError(error_text(exc)) from None
        files = report.files
        self.stdout.write(f"Återläst: {report.rows} rader och {files.get('count', 0)} filer "
                          f"({report.files_written} skrivna, {report.files_present} fanns redan).")
        for line in report_lines(report):
            self.stdout.write(line)
