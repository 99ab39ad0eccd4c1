"""`diarium move-to-postgresql --to postgres://…`: the embedded SQLite
database moved into an empty PostgreSQL database, without an intermediate
file, and checked for completeness (diarium.core.backup)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diarium.core.backup import move_to_postgresql
from diarium.core.errors import DomainError

from .backup import error_text
from .restore import report_lines


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


class Command(BaseCommand):
    help = "Flyttar den inbyggda SQLite-databasen till en tom PostgreSQL-databas och kontrollerar att allt kom med."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, metavar="URL",
                            help="Måldatabasen, t.ex. postgres://diarium@127.0.0.1:5432/diarium (ska vara tom).")

    def handle(self, *args, to, **options):
        def say(text):
            self.stderr.write(text)

        try:
            report = move_to_postgresql(to, progress=say)
        except DomainError as exc:
            raise CommandError(error_text(exc)) from None
        self.stdout.write("Flytten till PostgreSQL är klar och kontrollerad:")
        width = max((len(t.table) for t in report.tables), default=10)
        for t in report.tables:
            self.stdout.write(f"  {t.table:<{width}}  {t.expected_rows:>9} → {t.rows:>9}  "
                              f"{'kontrollsumma stämmer' if t.digest_ok else 'AVVIKER'}")
        for line in report_lines(report):
            self.stdout.write(line)
        self.stdout.write(f"Filerna ligger kvar där de är ({settings.STORAGES['default']['BACKEND']}); "
                          f"ändra inget i fillagringen.")
        self.stdout.write("Stoppa Diarium, sätt sedan")
        self.stdout.write(f"  DATABASE_URL={without_password(to)}")
        self.stdout.write("(med lösenordet) i miljön för alla processer och starta igen. SQLite-filen används inte "
                          "längre; behåll den tills du har kontrollerat installationen.")
