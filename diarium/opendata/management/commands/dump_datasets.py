"""`diarium dump_datasets`: write the CSV and JSON dumps of every public
dataset to the file storage (default_storage), under opendata/.

The rows are streamed through a temporary file on disk, so memory stays flat
however large the register is; each file replaces the previous dump."""

from __future__ import annotations

import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from diarium.accounts import access as accounts_access
from diarium.accounts.models import Organisation
from diarium.opendata import dumps
from diarium.opendata.models import Dump

def dump(name: str, fmt: str, *, organisation: Organisation | None = None) -> tuple[str, int]:
    """Write one dump to the storage; return its stored name and size in bytes."""
    target = dumps.stored_name(name, fmt, organisation)
    started = timezone.now()  # before the first row is read
    with tempfile.TemporaryFile() as tmp:
        for chunk in dumps.chunks(name, fmt, organisation):
            tmp.write(chunk.encode("utf-8"))
        size = tmp.tell()
        tmp.seek(0)
        if default_storage.exists(target):
            default_storage.delete(target)
        stored = default_storage.save(target, File(tmp, name=target))
    with transaction.atomic():
        Dump.objects.filter(name=name, fmt=fmt, organisation=organisation).delete()
        Dump.objects.create(name=name, fmt=fmt, organisation=organisation, stored_name=stored,
                            started_at=started, written_at=timezone.now(), size=size)
    return stored, size


class Command(BaseCommand):
    help = "Skriv CSV- och JSON-filer av de öppna datamängderna till fillagringen (opendata/)."

    def add_arguments(self, parser):
        parser.add_argument("datasets", nargs="*", help=f"Datamängder (standard: alla): {', '.join(dumps.DATASETS)}")
        parser.add_argument("--format", choices=sorted(dumps.FORMATS), action="append", dest="formats",
                            help="csv eller json (standard: båda)")
        parser.add_argument("--organisation", help="Bara denna organisation (kortnamn)")

    def handle(self, *args, datasets, formats, organisation, **options):
        unknown = set(datasets) - set(dumps.DATASETS)
        if unknown:
            raise CommandError(f"Okänd datamängd: {', '.join(sorted(unknown))}")
        org = None
        if organisation:
            org = accounts_access.public_organisations().filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"Organisationen finns inte: {organisation}")
        for name in datasets or list(dumps.DATASETS):
            for fmt in formats or sorted(dumps.FORMATS):
                stored, size = dump(name, fmt, organisation=org)
                self.stdout.write(f"{stored}\t{size}")
