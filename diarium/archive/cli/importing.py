"""`diarium archive import PATH… [--organisation SLUG] [--user USERNAME] [--dry-run]`:
read FGS/E-ARK packages (folders, zip files, or folders of them) into the
register. The checks are sip/reading.py's, the write archive.services.importing's;
this module parses the options and prints what became of each package."""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from diarium.archive.services import importing
from diarium.archive.sip import reading


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "import", help="Läs in E-ARK SIP-paket (FGS) från e-arkivet eller från ett annat diariesystem.",
        description="Läser in ett ärende per paket (FGS Paketstruktur 2.0 med FGS Ärendehantering 2.0): en "
                    "paketmapp, en zip-fil eller en mapp med paket. Varje paket kontrolleras först (kontrollsummor, "
                    "filer, XML-scheman, sökvägar); ett skadat paket vägras och inget skrivs. Ett ärende som redan "
                    "finns läses inte in igen.")
    parser.add_argument("paths", nargs="+", metavar="SÖKVÄG")
    parser.add_argument("--organisation", metavar="KORTNAMN",
                        help="Organisationen ärendena läses in i (dess kortnamn); utan: paketets egen. Finns den "
                             "inte skapas den.")
    parser.add_argument("--user", metavar="ANVÄNDARNAMN",
                        help="Användaren som står för inläsningen i historiken (en administratör för "
                             "organisationen). Utan: kommandoraden.")
    parser.add_argument("--dry-run", action="store_true",
                        help="Kontrollera och prova inläsningen utan att något sparas.")
    parser.set_defaults(handler=import_handle)


def _counts(counts: dict[str, int]) -> str:
    return _("%(documents)s handlingar, %(files)s filer, %(decisions)s beslut, %(delegation_decisions)s "
             "delegationsbeslut, %(rounds)s remisser, %(events)s händelser") % counts


def import_handle(command, *, paths=(), organisation=None, user=None, dry_run=False, **options):
    actor = None
    if user:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(_("Användaren %(user)r finns inte.") % {"user": user})
    try:
        actor_name = None if actor else _("Arkivimport från kommandoraden (%(user)s)") % {"user": getpass.getuser()}
    except (KeyError, OSError):
        actor_name = _("Arkivimport från kommandoraden")
    outcomes = []
    for path in paths:
        found, skipped = reading.package_paths(path)
        for note in skipped:
            command.stdout.write(_("Obs: %(note)s") % {"note": note})
        if not found:
            command.stdout.write(_("Inga paket i %(path)s.") % {"path": path})
        for package_path in found:
            with reading.package_open(package_path) as package:
                outcome = importing.package_import(actor=actor, package=package, organisation=organisation,
                                                   dry_run=dry_run, actor_name=actor_name)
            outcomes.append(outcome)
            _report(command, package_path, outcome)
    if not outcomes:
        raise CommandError(_("Inga paket hittades i %(paths)s.") % {"paths": ", ".join(map(str, paths))})
    statuses = [o.status for o in outcomes]
    refused = statuses.count(importing.REFUSED)
    command.stdout.write(_("%(total)s paket: %(imported)s inlästa, %(already)s redan inlästa, %(rehearsed)s "
                           "provlästa, %(refused)s vägrade.") % {
        "total": len(outcomes), "imported": statuses.count(importing.IMPORTED),
        "already": statuses.count(importing.ALREADY), "rehearsed": statuses.count(importing.REHEARSED),
        "refused": refused})
    if refused:
        raise CommandError(_("%(refused)s av %(total)s paket vägrades; inget skrevs från dem.")
                           % {"refused": refused, "total": len(outcomes)})


def _report(command, path, outcome: importing.ImportOutcome) -> None:
    if outcome.status == importing.IMPORTED:
        command.stdout.write(_("Läste in %(path)s: ärendet %(number)s i %(organisation)s (%(counts)s).") % {
            "path": path, "number": outcome.diary_number, "organisation": outcome.case.organisation.name,
            "counts": _counts(outcome.counts)})
    elif outcome.status == importing.REHEARSED:
        command.stdout.write(_("Provläste %(path)s (--dry-run, inget sparades): ärendet %(number)s (%(counts)s).")
                             % {"path": path, "number": outcome.diary_number, "counts": _counts(outcome.counts)})
    elif outcome.status == importing.ALREADY:
        command.stdout.write(_("Redan inläst: %(path)s: ärendet %(number)s finns i %(organisation)s och är lika "
                               "med paketet.") % {"path": path, "number": outcome.diary_number,
                                                  "organisation": outcome.case.organisation.name})
    else:
        command.stdout.write(_("VÄGRADES: %(path)s (%(n)s problem); inget skrevs:") % {
            "path": path, "n": len(outcome.problems)})
        if outcome.summary:
            command.stdout.write(f"  {outcome.summary}")
        for problem in outcome.problems:
            command.stdout.write(f"  {'  ' if outcome.summary else ''}{problem}")
    for warning in outcome.warnings:
        command.stdout.write(_("  Obs: %(warning)s") % {"warning": warning})
