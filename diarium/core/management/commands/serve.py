"""`diarium serve`: the production server (gunicorn; diarium/core/serving.py).

    diarium serve                      checks, then serves on 127.0.0.1:8000
    diarium serve --bind 0.0.0.0:8000 --workers 4
    diarium serve --check              only the start-up checks (exit 0 or 1)
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from diarium.core import readiness, serving


class Command(BaseCommand):
    help = _("Kör Diarium i produktion med gunicorn (kontrollerar databas, lagring, cache och kö först).")

    def add_arguments(self, parser):
        parser.add_argument("--bind", help=_("Adress att lyssna på (värd:port eller unix:/sökväg; standard "
                                             "127.0.0.1:8000 eller DIARIUM_BIND)."))
        parser.add_argument("--workers", help=_("Antal arbetsprocesser (standard 2 × processorer + 1, högst 8, "
                                                "eller DIARIUM_WEB_WORKERS)."))
        parser.add_argument("--threads", help=_("Trådar per arbetsprocess (standard 1, eller DIARIUM_WEB_THREADS)."))
        parser.add_argument("--timeout", help=_("Sekunder innan en arbetsprocess som inte svarar startas om "
                                                "(standard 30)."))
        parser.add_argument("--graceful-timeout", dest="graceful_timeout",
                            help=_("Sekunder en arbetsprocess får avsluta pågående förfrågningar vid omstart "
                                   "(standard 30)."))
        parser.add_argument("--keepalive", help=_("Sekunder en vilande anslutning hålls öppen (standard 5)."))
        parser.add_argument("--max-requests", dest="max_requests",
                            help=_("Förfrågningar innan en arbetsprocess byts ut (standard 10000, 0: aldrig)."))
        parser.add_argument("--max-requests-jitter", dest="max_requests_jitter",
                            help=_("Slumpvis spridning av --max-requests (standard 1000)."))
        parser.add_argument("--no-access-log", dest="no_access_log", action="store_true",
                            help=_("Skriv ingen rad per förfrågan."))
        parser.add_argument("--check", action="store_true",
                            help=_("Gör bara startkontrollerna och avsluta (0: allt i ordning, 1: fel)."))

    def handle(self, *args, check=False, **values):
        try:
            options = serving.options_from(values)
        except serving.ServeError as exc:
            self._refuse([str(exc)])
        refuse_unless_ready(self)
        if check:
            self.stdout.write(_("Startkontrollerna gick igenom: databas, lagring, cache, kö och migreringar."))
            return
        serving.run(options)

    def _refuse(self, problems: list[str]) -> None:
        refuse(self, problems)


def refuse(command: BaseCommand, problems: list[str]) -> None:
    command.stderr.write(_("diarium: tjänsten startar inte:"))
    for problem in problems:
        command.stderr.write(f"- {problem}")
    sys.exit(1)


def refuse_unless_ready(command: BaseCommand) -> None:
    """The start-up checks of `diarium serve` and `diarium worker` (diarium/core/readiness.py):
    exit 1 with every problem in Swedish on stderr, or return."""
    problems = readiness.preflight()
    if problems:
        refuse(command, problems)
