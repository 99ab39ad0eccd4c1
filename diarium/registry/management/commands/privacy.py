"""`diarium privacy audit [--apply]`: list every public output that the
privacy rules change (issue 18): free text the masking assistant now
withholds, private persons now shown as "Privatperson". With `--apply`, the
register is brought under the rules and the published outputs are rebuilt
(dumps, search index, published files), so nothing published before stays
public."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from diarium.registry import screening


class Command(BaseCommand):
    help = "Granska det som redan publicerats mot reglerna för personuppgifter (audit [--apply])."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["audit"])
        parser.add_argument("--apply", action="store_true",
                            help="Ändra registret enligt reglerna och bygg om det publicerade.")

    def handle(self, *args, action, apply, **options):
        with transaction.atomic():
            lines = screening.audit(apply=apply)
        for line in lines:
            self.stdout.write(f"{line.what}\n  före:  {line.before}\n  efter: {line.after}")
        self.stdout.write(f"{len(lines)} publicerade uppgifter ändras av reglerna.")
        if apply:
            for done in screening.rebuild_published():  # after the commit: they read the register as it is now
                self.stdout.write(done)
            self.stdout.write("Registret följer nu reglerna; det publicerade är ombyggt.")
        elif lines:
            self.stdout.write("Kör med --apply för att ändra registret och bygga om det publicerade.")
