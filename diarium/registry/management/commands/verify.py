"""`diarium verify`: recompute each organisation's sealed history and name the
first event changed, removed or reordered (registry.chain)."""

from django.core.management.base import BaseCommand, CommandError

from diarium.registry import chain


class Command(BaseCommand):
    help = "Räknar om varje organisations förseglade historik och pekar ut den första händelse som har ändrats, " \
           "tagits bort eller flyttats."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, help="Bara denna organisation (id).")

    def handle(self, *args, organisation=None, **options):
        organisations = [organisation] if organisation else chain.organisations_with_history()
        broken = 0
        for org in organisations:
            report = chain.chain_verify(org)
            waiting = f"; {report.unsealed} ännu inte förseglade" if report.unsealed else ""
            if report.ok:
                self.stdout.write(f"Organisation {org}: {report.length} händelser, kedjan håller "
                                  f"(huvud {report.head}){waiting}.")
            else:
                broken += 1
                self.stdout.write(f"Organisation {org}: FEL efter {report.length} goda händelser. {report.problem}")
        if broken:
            raise CommandError(f"Historiken håller inte i {broken} organisation(er).")
