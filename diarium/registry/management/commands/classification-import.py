"""`diarium classification-import --organisation <kortnamn eller id> --user <användarnamn> FIL`:
import an organisation's classification scheme from a CSV or XML file, as the
web page's import does (services.classification_import): every problem is
listed with its line or element and then nothing is written; the same file
imported again changes nothing. The user is an administrator of the
organisation and is named in the history as the one who imported."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diarium.core.errors import DomainError
from diarium.registry import services
from diarium.registry.classification_files import MAX_BYTES, scheme_file_read
from diarium.registry.selectors import classification as selectors


class Command(BaseCommand):
    help = "Importerar en organisations klassificeringsstruktur från en CSV- eller XML-fil."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Filen: CSV (kod;benämning;nivå;beskrivning) eller XML (klassificering.xsd).")
        parser.add_argument("--organisation", required=True, help="Organisationen (kortnamn eller id).")
        parser.add_argument("--user", required=True,
                            help="Användarnamnet på organisationens administratör som importerar (står i historiken).")

    def handle(self, *args, file, organisation, user, **options):
        org = selectors.organisation_named(organisation)
        if org is None:
            raise CommandError(f"Organisationen finns inte: {organisation}")
        actor = selectors.active_user_named(user)
        if actor is None:
            raise CommandError(f"Användaren finns inte: {user}")
        path = Path(file)
        try:
            with path.open("rb") as fh:
                content = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Filen kan inte läsas: {file} ({exc.strerror})") from exc
        try:
            result = services.classification_import(actor=actor, organisation=org,
                                                    scheme=scheme_file_read(path.name, content), filename=path.name)
        except DomainError as exc:
            for message in exc.errors.get("file", []) or [exc.message]:
                self.stderr.write(message)
            if exc.errors.get("file"):
                raise CommandError(f"{len(exc.errors['file'])} fel i {path.name}; inget har sparats.") from exc
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{org.name}: {len(result.created)} tillagda, {len(result.updated)} ändrade, "
                          f"{result.unchanged} oförändrade.")
