"""`diarium documents_progress [BATCH] [--wait]`: how far a background generation
has come, as a text progress bar; with --wait, until it is finished."""

import time

from django.core.management.base import BaseCommand, CommandError

from diarium.documents import batches
from diarium.documents.models import GenerationBatch

WIDTH = 30


def progress_line(status: dict) -> str:
    filled = round(WIDTH * status["percent"] / 100)
    return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {status['percent']:3d} %  {status['text']}"


class Command(BaseCommand):
    help = "Show the progress of a background generation batch (default: the latest)."

    def add_arguments(self, parser):
        parser.add_argument("batch", nargs="?", type=int, help="The batch id (default: the latest batch).")
        parser.add_argument("--wait", action="store_true", help="Redraw the bar until the batch is finished.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between redraws (with --wait).")
        parser.add_argument("--timeout", type=float, default=0, help="Give up after so many seconds (0: never).")

    def handle(self, *args, batch=None, wait=False, interval=1.0, timeout=0, **options):
        qs = GenerationBatch.objects.all()
        found = qs.filter(pk=batch).first() if batch else qs.order_by("-created_at", "-id").first()
        if found is None:
            raise CommandError(f"No generation batch {batch}." if batch else "There is no generation batch yet.")
        self.stdout.write(f"{found.label} (#{found.pk})")
        started = time.monotonic()
        tty = self.stdout.isatty()
        while True:
            found.refresh_from_db()
            status = batches.progress_status(found)
            line = progress_line(status)
            self.stdout.write(f"\r{line}" if tty else line, ending="" if tty and wait else "\n")
            if not wait or status["state"] == "finished":
                break
            if timeout and time.monotonic() - started > timeout:
                if tty:
                    self.stdout.write("")
                raise CommandError("Timed out before the batch finished.")
            time.sleep(interval)
        if tty and wait:
            self.stdout.write("")
        for error in status["errors"]:
            self.stdout.write(f"  {error['item']}: {error['message']}")
        if status["state"] == "finished" and status["failed"]:
            raise CommandError(f"{status['failed']} of {status['total']} failed.")
