"""`diarium replica-status [PURPOSE ...]`: where lag-tolerant reads go now, as JSON.

Probes each configured replica as an app server does (diarium.core.replica) and
prints, for each purpose of such reads (today "search"), the alias its reads
would use ("replica" or "default"), and for each replica why: caught up,
within the allowed lag, lagging, unreachable, not a replica. For the stack
tests and for operators; an app server decides the same way from the same
probe, each for itself, every few seconds. Exits 0 whatever the replica's
state; `--require-replica` exits 1 unless every purpose reads a replica.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from diarium.core import replica


class Command(BaseCommand):
    help = "Visar som JSON vilken databas (replik eller primär) läsningar som tål fördröjning går till just nu."

    def add_arguments(self, parser):
        parser.add_argument("purposes", nargs="*", help="Läsningar att visa (standard: alla, t.ex. search).")
        parser.add_argument("--require-replica", action="store_true",
                            help="Avsluta med felkod 1 om någon av läsningarna går till primären.")

    def handle(self, *args, purposes=(), require_replica=False, **options):
        known = replica.read_purposes()
        unknown = [p for p in purposes if p not in known]
        if unknown:
            raise CommandError("Okänd läsning: %s. Kända: %s." % (", ".join(unknown), ", ".join(known) or "inga"))
        report = replica.status(list(purposes) or None)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
        if require_replica and any(alias == DEFAULT_DB_ALIAS for alias in report["reads"].values()):
            raise CommandError("Läsningarna går till primären, inte till repliken.", returncode=1)
