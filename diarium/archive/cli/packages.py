"""Subcommands of `diarium archive` (see diarium/archive/management/commands/archive.py).
add_parsers(subparsers, command) adds each subcommand with
`set_defaults(handler=fn)`, where fn(command, **options) does the work
through the archive app's services and selectors.

    diarium archive export --case "2017.676 KS" --out DIR [--organisation SLUG] [--zip] [--no-validate]
    diarium archive export --closed-before 2020-01-01 [--series KS] --out DIR [--zip]
    diarium archive validate PATH [PATH …]

The export writes one E-ARK SIP per case (diarium/archive/sip/, docs/ARCHIVE.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from diarium.archive.sip import package as packages
from diarium.archive.sip import record as records
from diarium.archive.sip.layout import package_name
from diarium.archive.sip.validate import ERROR, package_report
from diarium.core.errors import DomainError


def add_parsers(subparsers, command) -> None:
    export = subparsers.add_parser(
        "export", help="Exportera ärenden som E-ARK SIP (FGS) till e-arkivet.",
        description="Skriver ett E-ARK SIP-paket (FGS Paketstruktur 2.0 med FGS Ärendehantering 2.0) per ärende: "
                    "ett ärende med --case, eller alla avslutade ärenden i ett urval med --closed-before och/eller "
                    "--series.")
    export.add_argument("--case", metavar="DIARIENUMMER", help='Ett ärende, t.ex. "2017.676 KS".')
    export.add_argument("--closed-before", metavar="ÅÅÅÅ-MM-DD",
                        help="Alla ärenden som avslutades före detta datum.")
    export.add_argument("--series", metavar="KOD", help="Alla avslutade ärenden i diarieserien (t.ex. KS).")
    export.add_argument("--organisation", metavar="KORTNAMN",
                        help="Organisationen (dess kortnamn), där flera organisationer har samma diarienummer.")
    export.add_argument("--out", required=True, metavar="MAPP", help="Mappen paketen skrivs i.")
    export.add_argument("--zip", action="store_true", help="Skriv zip-filer i stället för mappar.")
    export.add_argument("--no-validate", action="store_true",
                        help="Validera inte paketen (XML-scheman, Schematron, eark-validator) innan de läggs på plats.")
    export.set_defaults(handler=export_handle)

    validate = subparsers.add_parser(
        "validate", help="Validera E-ARK SIP-paket (mappar eller zip-filer), egna eller mottagna.",
        description="Kontrollerar paketets filer och kontrollsummor, METS och ERMS mot sina XML-scheman, ERMS mot "
                    "sin Schematron och paketet med eark-validator.")
    validate.add_argument("paths", nargs="+", metavar="SÖKVÄG")
    validate.set_defaults(handler=validate_handle)

    from . import importing  # diarium archive import: its own module

    importing.add_parser(subparsers)


def _selection(case: str | None, closed_before: str | None, series: str | None, organisation: str | None):
    """The cases the options name, or CommandError with every problem at once."""
    errors: list[str] = []
    org = None
    if organisation:
        org = records.organisation_named(organisation)
        if org is None:
            errors.append(f"Organisationen {organisation!r} finns inte.")
    before = None
    if closed_before:
        try:
            day = dt.date.fromisoformat(closed_before)
            before = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        except ValueError:
            errors.append(f"--closed-before {closed_before!r} är inget datum: skriv det som ÅÅÅÅ-MM-DD.")
    if case and (closed_before or series):
        errors.append("Ange antingen --case eller ett urval (--closed-before, --series), inte båda.")
    if not case and not closed_before and not series:
        errors.append("Ange ett ärende med --case, eller ett urval med --closed-before och/eller --series.")
    if series and (organisation is None or org is not None):
        if not records.series_exists(series, org):
            errors.append(f"Diarieserien {series!r} finns inte" + (f" i {org.name}." if org else "."))
    if case and (organisation is None or org is not None):
        found = records.organisations_with(case)
        if org is not None and org not in found:
            errors.append(f"Ärendet {case!r} finns inte i {org.name}.")
        elif org is None and not found:
            errors.append(f"Ärendet {case!r} finns inte.")
        elif org is None and len(found) > 1:
            errors.append(f"Diarienumret {case!r} finns i flera organisationer ({', '.join(o.slug for o in found)}): "
                          "välj en med --organisation.")
        elif org is None:
            org = found[0]
    if errors:
        raise CommandError("\n".join(errors))
    return records.cases_find(organisation=org, diary_number=case or None, closed_before=before,
                              series=series or None)


def _validator(path: Path) -> tuple[list[str], list[str]]:
    report = package_report(path)
    return ([str(p) for p in report.problems if p.severity == ERROR],
            [str(p) for p in report.problems if p.severity != ERROR])


def export_handle(command, *, case=None, closed_before=None, series=None, organisation=None, out=None, zip=False,
                  no_validate=False, **options):
    cases = _selection(case, closed_before, series, organisation)
    target = Path(out)

    def expected() -> set[str]:
        suffix = ".zip" if zip else ""
        return {package_name(slug, number, records.case_uuid(slug, number).hex) + suffix
                for slug, number in cases.values_list("organisation__slug", "diary_number").iterator()}

    try:
        packages.output_check(target, expected)
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    counts = {packages.WRITTEN: 0, packages.UNCHANGED: 0, packages.REFUSED: 0, packages.INVALID: 0}
    failures = []
    validator = None if no_validate else _validator
    try:
        for outcome in packages.export(records.case_records(cases), target, as_zip=zip, validator=validator):
            counts[outcome.status] += 1
            line = {packages.WRITTEN: "Skrev", packages.UNCHANGED: "Oförändrat, fanns redan:",
                    packages.REFUSED: "VÄGRADES:", packages.INVALID: "OGILTIGT, skrevs inte:"}[outcome.status]
            command.stdout.write(f"{line} {outcome.path} ({outcome.diary_number})")
            for warning in outcome.warnings:
                command.stdout.write(f"  Varning: {warning}")
            if outcome.status == packages.REFUSED:
                failures.append(f"{outcome.path} finns redan och skiljer sig från paketet för {outcome.diary_number}:"
                                " det skrivs inte över. Flytta det gamla paketet eller välj en annan mapp.")
            for problem in outcome.problems:
                command.stdout.write(f"  {problem}")
            if outcome.status == packages.INVALID:
                failures.append(f"Paketet för {outcome.diary_number} klarade inte valideringen och skrevs inte.")
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    total = sum(counts.values())
    if total == 0:
        command.stdout.write("Inga ärenden matchar urvalet (en batch tar bara avslutade ärenden).")
        return
    command.stdout.write(f"{total} ärenden: {counts[packages.WRITTEN]} paket skrivna, "
                         f"{counts[packages.UNCHANGED]} oförändrade, {counts[packages.REFUSED]} vägrade, "
                         f"{counts[packages.INVALID]} ogiltiga.")
    if failures:
        raise CommandError("\n".join(failures))


def validate_handle(command, *, paths=(), **options):
    invalid = 0
    for path in paths:
        report = package_report(path)
        for problem in report.problems:
            command.stdout.write(f"{path}: {problem}")
        for notice in report.notices:
            command.stdout.write(f"{path}: Obs: {notice}")
        if report.valid:
            warnings = len(report.problems)
            command.stdout.write(f"{path}: giltigt" + (f", med {warnings} varningar." if warnings else "."))
        else:
            invalid += 1
            command.stdout.write(f"{path}: OGILTIGT ({len(report.errors)} fel).")
    if invalid:
        raise CommandError(f"{invalid} av {len(paths)} paket är ogiltiga.")
