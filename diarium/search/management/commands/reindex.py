"""`diarium reindex`: rebuild the search projection and index from the database.

Progress goes to stderr as plain lines (no terminal needed), the speed to stdout.
`--status` prints the health of the index instead (engine, documents, waiting
changes and their lag); `--engine-only` rebuilds the engine from the projection.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from diarium.search import selectors, services


class _Progress:
    """A line every few seconds (or each tenth) on stderr, overwritten in a terminal."""

    def __init__(self, stream, every: float = 2.0):
        self.stream = stream  # a management command's OutputWrapper
        self.tty = bool(stream.isatty())
        self.every = every
        self.started = time.perf_counter()
        self.last_time = 0.0
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        tenth = (10 * done // total) if total else 10
        if done < total and now - self.last_time < self.every and tenth == self.last_tenth:
            return
        self.last_time, self.last_tenth = now, tenth
        elapsed = max(now - self.started, 1e-9)
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        line = (f"[{bar}] {done:,}/{total:,} poster ({100 * done / total if total else 100:.0f} %), "
                f"{done / elapsed:,.0f}/s")
        self.stream.write(("\r" + line) if self.tty else line, ending="" if self.tty else "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = "Rebuild the search index (cases, documents, decisions, meetings, plans) from the database."

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="Print the health of the search index and exit.")
        parser.add_argument("--engine-only", action="store_true",
                            help="Rebuild only the engine's index from the stored projection.")
        parser.add_argument("--force", action="store_true",
                            help="Rebuild even if another rebuild seems to be running.")

    def handle(self, *args, status=False, engine_only=False, force=False, **options):
        if status:
            health = selectors.search_health()
            for name in ("engine", "ready", "documents", "records", "pending", "lag_seconds", "oldest_pending_at",
                         "rebuilding_since", "built_at"):
                self.stdout.write(f"{name}: {health[name]}")
            return
        if engine_only:
            started = time.perf_counter()
            count = services.engine_build(force=force)
            self.stdout.write(f"{count:,} poster indexerade på {time.perf_counter() - started:.1f} s.")
            return
        progress = _Progress(self.stderr if options.get("verbosity", 1) > 0 else _Null())
        try:
            report = services.index_rebuild(progress=progress, force=force)
        except services.RebuildRunning as exc:
            raise CommandError(f"En ombyggnad av sökindexet pågår redan (sedan {exc.args[0]}). "
                               "Använd --force om den har avbrutits.") from exc
        finally:
            progress.close()
        self.stdout.write(
            f"{report.records:,} poster ({report.rows:,} varianter) indexerade med {report.engine} "
            f"på {report.seconds:.1f} s: {report.per_second:,.0f} poster/s.")


class _Null:
    def write(self, text, ending=None):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False
