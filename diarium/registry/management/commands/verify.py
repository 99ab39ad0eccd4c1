"""`diarium verify`: recompute each organisation's sealed history and name the
first event changed, removed or reordered (registry.chain); check that every
head of it ever published (extensions.published_heads: the open data's daily
heads) is still a prefix of the chain; and, with `--heads FILE`, the heads in a
file someone kept (registry.heads)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diarium.core.errors import DomainError
from diarium.registry import chain, extensions
from diarium.registry import heads as head_files


class Command(BaseCommand):
    help = "Räknar om varje organisations förseglade historik och pekar ut den första händelse som har ändrats, " \
           "tagits bort eller flyttats, och kontrollerar att varje publicerat huvud fortfarande ingår i kedjan."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, help="Bara denna organisation (id).")
        parser.add_argument("--heads", metavar="FIL",
                            help="Kontrollera också huvudena i en sparad fil med publicerade huvuden "
                                 "(chain-heads.csv eller chain-heads.json från öppna data).")

    def handle(self, *args, organisation=None, heads=None, **options):
        held = self._held(heads, organisation) if heads else []
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
            published = extensions.published_heads(org)
            wrong = [(label, problem) for length, head, label in published
                     if (problem := chain.head_check(org, length, head))]
            for label, problem in wrong:
                self.stdout.write(f"Organisation {org}: FEL i huvudet {label}. {problem}")
            if published and not wrong:
                self.stdout.write(f"Organisation {org}: alla {len(published)} publicerade huvuden ingår i kedjan.")
            if wrong and report.ok:  # an organisation counts once
                broken += 1
        wrong_in_file = 0
        for h in held:
            problem = chain.head_check(h.organisation_id, h.length, h.head)
            where = f"Rad {h.row} ({h.organisation}{', ' + h.published_on if h.published_on else ''})"
            if problem:
                wrong_in_file += 1
                self.stdout.write(f"{where}: FEL. {problem}")
            else:
                self.stdout.write(f"{where}: {h.length} händelser, huvudet ingår i kedjan.")
        if broken:
            raise CommandError(f"Historiken håller inte i {broken} organisation(er).")
        if wrong_in_file:
            raise CommandError(f"{wrong_in_file} av {len(held)} huvuden i filen ingår inte i kedjan.")

    def _held(self, path: str, organisation: int | None) -> list[head_files.HeldHead]:
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Filen {path} kan inte läsas: {exc.strerror or exc}") from None
        try:
            held = head_files.heads_parse(content)
        except DomainError as exc:
            raise CommandError("\n".join([exc.message, *(m for ms in exc.errors.values() for m in ms)])) from None
        return [h for h in held if organisation is None or h.organisation_id == organisation]
