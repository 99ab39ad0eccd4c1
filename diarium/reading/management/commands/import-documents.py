"""`diarium import-documents [--dry-run] [--json] FILE_OR_FOLDER...`: bulk
migration of old documents (docs/READING.md). The work is bulk.py's and the
reader's; this parses the options, shows progress and prints the outcome."""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.errors import ServiceUnavailable
from diarium.reading import bulk
from diarium.reading.grammar.shape import Reading


def _confidence(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise CommandError(_("--accept-above ska vara ett tal mellan 0 och 1, inte %(value)r.")
                           % {"value": text}) from None
    if not 0 <= value <= 1:
        raise CommandError(_("--accept-above ska vara ett tal mellan 0 och 1, inte %(value)r.") % {"value": text})
    return value


class Command(BaseCommand):
    help = ("Läser in gamla handlingar (PDF, DOCX, text): tjänsteskrivelser, kallelser, protokoll, "
            "protokollsutdrag, remissvar och beslutsbrev blir förslag till ärenden, sammanträden och beslut som "
            "registratorn granskar på /inlasning/, eller registreras direkt med --accept-above.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FIL_ELLER_MAPP")
        parser.add_argument("--dry-run", action="store_true",
                            help="Läs filerna och visa vad som lästes ut, utan att något sparas.")
        parser.add_argument("--json", action="store_true",
                            help="Skriv resultatet som en JSON-lista med ett objekt per fil (docs/READING.md).")
        parser.add_argument("--organisation", metavar="KORTNAMN",
                            help="Organisationen handlingarna läses in i (dess kortnamn). Krävs utan --dry-run.")
        parser.add_argument("--user", metavar="ANVÄNDARNAMN",
                            help="Registratorn som står för inläsningen i historiken. Krävs utan --dry-run.")
        parser.add_argument("--accept-above", type=_confidence, metavar="SÄKERHET",
                            help="Registrera direkt de filer där varje nyckelfält lästes med minst denna säkerhet "
                                 "(0–1); övriga ställs i kö för granskning.")

    def handle(self, *args, paths, dry_run=False, json=False, organisation=None, user=None, accept_above=None,
               **options):
        if json and not dry_run:
            raise CommandError(_("--json går bara med --dry-run: utan den skrivs en sammanfattning per fil."))
        target = actor = None
        if not dry_run:
            target, actor = self._target(organisation, user)
        files, notes = bulk.files_in(paths)
        for note in notes:
            self.stderr.write(note)
        if not files:
            raise CommandError(_("Inga filer hittades i %(paths)s.") % {"paths": ", ".join(paths)})
        outcomes = []
        try:
            with self._progress(len(files), quiet=json) as advance:
                for outcome in bulk.import_files(files, organisation=target, actor=actor, dry_run=dry_run,
                                                 accept_above=accept_above):
                    outcomes.append(outcome)
                    advance(outcome.result.file)
                    if not json:
                        self._report(outcome)
                    elif outcome.problems:
                        self.stderr.write(_("%(file)s: %(problem)s") % {"file": outcome.result.file,
                                                                        "problem": " ".join(outcome.problems)})
        except ServiceUnavailable as exc:
            # The file store refused: the file at hand was not kept (its transaction rolled
            # back); those before it were. Run again: files already read in are passed over.
            raise CommandError(_("%(message)s %(done)d av %(total)d filer lästes in innan dess; kör kommandot "
                                 "igen när filarkivet svarar, de som redan lästs in hoppas då över.")
                               % {"message": exc.message, "done": len(outcomes), "total": len(files)}) from None
        if json:
            self.stdout.write(_dumps([_shape(o) for o in outcomes]))
            return
        self._summary(outcomes, dry_run=dry_run)

    def _target(self, organisation, user):
        if not organisation or not user:
            raise CommandError(_("Ange --organisation och --user (registratorn som läser in), eller --dry-run."))
        target = Organisation.objects.filter(slug=organisation).first()
        if target is None:
            raise CommandError(_("Organisationen %(slug)r finns inte.") % {"slug": organisation})
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("Användaren %(user)r finns inte.") % {"user": user})
        from diarium.reading import access

        if not access.can_import(actor, target):
            raise CommandError(_("%(user)s får inte läsa in handlingar i %(organisation)s (registrator eller "
                                 "administratör krävs).") % {"user": user, "organisation": target.name})
        return target, actor

    def _progress(self, total: int, *, quiet: bool):
        """A progress bar on standard error (rich's, when it is a terminal)."""
        from contextlib import contextmanager

        @contextmanager
        def bar():
            if quiet or not sys.stderr.isatty():
                yield lambda name: None
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), transient=True) as progress:
                task = progress.add_task(_("Läser in"), total=total)
                yield lambda name: progress.update(task, advance=1, description=name[-40:])

        return bar()

    def _report(self, outcome: bulk.FileOutcome) -> None:
        result = outcome.result
        reading = result.reading
        what = ""
        if reading is not None:
            values = reading.values
            what = " ".join(str(v) for v in (values.get("kind"), values.get("organ"), values.get("date"),
                                             ", ".join(values.get("diary_numbers") or [])) if v)
        label = {
            bulk.READ: _("läst"), bulk.QUEUED: _("i kö för granskning"), bulk.ACCEPTED: _("registrerad"),
            bulk.ALREADY: _("redan inläst (samma SHA-256)"), bulk.UNREADABLE: _("kunde inte läsas"),
            bulk.REFUSED: _("i kö: registreringen vägrades"),
        }[outcome.status]
        line = f"{result.file}: {label}"
        if what:
            line += f" ({what})"
        self.stdout.write(line)
        for problem in outcome.problems:
            self.stdout.write(f"  - {problem}")

    def _summary(self, outcomes, *, dry_run: bool) -> None:
        statuses = [o.status for o in outcomes]
        pages = sum(o.result.pages for o in outcomes)
        seconds = sum(o.result.seconds for o in outcomes)
        self.stdout.write(_("%(total)s filer (%(pages)s sidor, %(seconds).1f s läsning): %(read)s lästa, "
                            "%(queued)s i kö, %(accepted)s registrerade, %(already)s redan inlästa, "
                            "%(refused)s vägrade, %(unreadable)s olästa.") % {
            "total": len(outcomes), "pages": pages, "seconds": seconds, "read": statuses.count(bulk.READ),
            "queued": statuses.count(bulk.QUEUED), "accepted": statuses.count(bulk.ACCEPTED),
            "already": statuses.count(bulk.ALREADY), "refused": statuses.count(bulk.REFUSED),
            "unreadable": statuses.count(bulk.UNREADABLE)})


def _shape(outcome: bulk.FileOutcome) -> dict:
    reading = outcome.result.reading
    if reading is None:  # an unreadable file: the shape with nothing found (the problem went to stderr)
        reading = Reading(text="")
        out = reading.as_json(outcome.result.file)
        out["confidence"] = {name: 0.0 for name in out["confidence"]}
        return out
    return reading.as_json(outcome.result.file)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
