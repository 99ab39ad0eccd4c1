"""Subcommands of `diarium archive` (see diarium/archive/management/commands/archive.py).
add_parsers(subparsers, command) adds each subcommand with
`set_defaults(handler=fn)`, where fn(command, **options) does the work
through the archive app's services and selectors.

    diarium archive due [--organisation X] [--as-of DATE] [--json]
        what is due for disposal under the plan in force (selectors.due)
    diarium archive records [--organisation X] [--list N] [--json]
        the disposal records (gallringsredovisning)
    diarium archive dispose --organisation X --list N --user NAME [--json]
        execute an adopted disposal list as that user, and print its records
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentTypeError

from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import ngettext

from diarium.core.errors import DomainError
from diarium.registry.selectors import classification as classification_selectors

from .. import selectors


def _files(n: int) -> str:
    return ngettext("%(n)d fil", "%(n)d filer", n) % {"n": n}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"Ogiltigt datum: {value!r} (ange ÅÅÅÅ-MM-DD).") from None


def _organisations(named: str | None) -> list:
    found = selectors.organisations(named=named)
    if named is not None and not found:
        raise CommandError(f"Organisationen finns inte: {named}")
    return found


def add_parsers(subparsers, command) -> None:
    due = subparsers.add_parser("due", help="Lista det som får gallras enligt den dokumenthanteringsplan som gäller.")
    due.add_argument("--organisation", help="Bara denna organisation (kortnamn eller id).")
    due.add_argument("--as-of", type=_date, dest="as_of", help="Gallringsbart denna dag (ÅÅÅÅ-MM-DD; standard: i dag).")
    due.add_argument("--json", action="store_true", dest="as_json", help="Skriv JSON i stället för text.")
    due.set_defaults(handler=due_handle)

    records = subparsers.add_parser("records", help="Visa gallringsredovisningen: det som har gallrats.")
    records.add_argument("--organisation", help="Bara denna organisation (kortnamn eller id).")
    records.add_argument("--list", type=int, dest="list_number", help="Bara denna gallringsförteckning (nummer).")
    records.add_argument("--json", action="store_true", dest="as_json", help="Skriv JSON i stället för text.")
    records.set_defaults(handler=records_handle)

    dispose = subparsers.add_parser("dispose", help="Verkställ en beslutad gallringsförteckning.")
    dispose.add_argument("--organisation", required=True, help="Organisationen (kortnamn eller id).")
    dispose.add_argument("--list", type=int, dest="list_number", required=True,
                         help="Gallringsförteckningens nummer.")
    dispose.add_argument("--user", required=True, help="Användaren som verkställer (registrator eller arkivarie).")
    dispose.add_argument("--json", action="store_true", dest="as_json", help="Skriv JSON i stället för text.")
    dispose.set_defaults(handler=dispose_handle)


def due_handle(command, *, organisation=None, as_of=None, as_json=False, **options) -> None:
    write = command.stdout.write
    first = True
    if as_json:
        write("[", ending="")
    for org in _organisations(organisation):
        version = selectors.version_in_force(organisation_id=org.pk, as_of=as_of)
        if not as_json:
            day = (as_of or selectors.today()).isoformat()
            if version is None:
                write(f"{org.name}: ingen dokumenthanteringsplan gäller {day}; inget gallras.")
                continue
            write(f"{org.name}: gallringsbart {day} enligt dokumenthanteringsplanen version {version.number}")
        count = 0
        for item in selectors.due(organisation_id=org.pk, as_of=as_of):
            count += 1
            if as_json:
                write(("" if first else ",") + "\n" + _json({"organisation": org.slug, **item.as_dict()}),
                      ending="")
                first = False
                continue
            flags = [*item.blocked_reasons, *(["finns på en gallringsförteckning"] if item.listed else [])]
            write(f"  {item.reference}\t{item.document_type or '–'}\t{item.description}\t"
                  f"gallringsbar från {item.due_on.isoformat()}\t{_files(item.files)}, {filesizeformat(item.bytes)}"
                  + (f"\tSPÄRRAD: {'; '.join(flags)}" if item.blocked else
                     (f"\t({'; '.join(flags)})" if flags else "")))
            write(f"    enligt {item.rule_text}")
        if not as_json:
            write(f"  {count} handlingar." if count != 1 else "  1 handling.")
    if as_json:
        write("\n]")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _record_dict(record) -> dict:
    return {"list": record.disposal_list.number, "diary_number": record.diary_number,
            "document_number": record.document_number, "document_type": record.document_type,
            "document_date": record.document_date.isoformat(), "description": record.description,
            "secret": record.is_secret, "files": record.files, "bytes": record.bytes, "rule": record.rule_text,
            "plan_version": record.plan_version, "decision": record.decision_text,
            "executed_at": record.executed_at.isoformat(), "executed_by": record.executed_by_name}


def _records_write(command, records, *, as_json: bool) -> None:
    write = command.stdout.write
    if as_json:
        write(_json([_record_dict(r) for r in records]))
        return
    count = 0
    for record in records:
        count += 1
        write(f"{record.executed_at:%Y-%m-%d}\tförteckning {record.disposal_list.number}\t"
              f"{record.diary_number}-{record.document_number}\t{record.document_type or '–'}\t"
              f"{record.description}\t{_files(record.files)}, {filesizeformat(record.bytes)}")
        write(f"    enligt {record.rule_text}; beslut: {record.decision_text}")
    write(f"{count} gallrade handlingar." if count != 1 else "1 gallrad handling.")


def records_handle(command, *, organisation=None, list_number=None, as_json=False, **options) -> None:
    records = []
    for org in _organisations(organisation):
        disposal_list = None
        if list_number is not None:
            disposal_list = selectors.disposal_list_by_number(organisation_id=org.pk, number=list_number)
            if disposal_list is None:
                continue
        records.extend(selectors.disposal_records(organisation_id=org.pk, disposal_list=disposal_list))
    _records_write(command, records, as_json=as_json)


def dispose_handle(command, *, organisation, list_number, user, as_json=False, **options) -> None:
    from .. import services

    org = _organisations(organisation)[0]
    actor = classification_selectors.active_user_named(user)
    if actor is None:
        raise CommandError(f"Användaren finns inte: {user}")
    disposal_list = selectors.disposal_list_by_number(organisation_id=org.pk, number=list_number)
    if disposal_list is None:
        raise CommandError(f"Gallringsförteckning {list_number} finns inte i {org.name}.")
    try:
        records = services.disposal_list_execute(actor=actor, disposal_list=disposal_list)
    except DomainError as exc:
        details = [m for messages in exc.errors.values() for m in messages if m != exc.message]
        raise CommandError("\n".join([exc.message, *details])) from exc
    _records_write(command, records, as_json=as_json)
