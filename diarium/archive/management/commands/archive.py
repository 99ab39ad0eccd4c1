"""`diarium archive <due|dispose|export|import> …`: the records manager's and
the e-archive's command. Each subcommand is a thin interface over the archive
app's services and selectors; its arguments and handler live in
diarium/archive/cli/."""

from django.core.management.base import BaseCommand, CommandError

from diarium.archive.cli import disposal, packages


class Command(BaseCommand):
    help = "Arkivering: gallring enligt dokumenthanteringsplanen och FGS/E-ARK-paket till och från e-arkivet."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        disposal.add_parsers(sub, self)
        packages.add_parsers(sub, self)

    def handle(self, *args, **options):
        handler = options.get("handler")
        if handler is None:
            raise CommandError("Ange ett underkommando: due, export eller import.")
        return handler(self, **options)
