"""Two readings of a case compared: the package's and the register's own
package of the case, read the same way (archive.services.importing's
idempotency check). What differs is said in Swedish."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

from django.utils import timezone
from django.utils.translation import gettext as _

from .parsing import FOREIGN, CaseData, ClassificationData

_LABELS = {
    "organ": "organ", "series": "diarieserie", "year": "år", "seq": "löpnummer", "status": "status",
    "registered_at": "registrerat", "closed_at": "avslutat", "title": "ärendemening",
    "public_title": "ärendemening för allmänheten", "protection": "skyddad ärendemening",
    "description": "beskrivning", "case_officer": "handläggare", "classification": "klassificering",
    "direction": "riktning", "document_date": "datum", "counterpart": "avsändare/mottagare",
    "counterpart_kind": "avsändarens/mottagarens slag", "counterpart_private": "privatperson",
    "document_type": "handlingstyp", "received_via": "inkommen via", "secret": "sekretessmarkering",
    "secrecy_ground": "sekretessgrund", "masked_fields": "maskerade fält", "secrecy_marked_at": "sekretessmarkerad",
    "public_description": "beskrivning för allmänheten",
}
_SKIPPED = {"source", "organisation_slug", "organisation_name", "organisation_number", "organ_name", "series_name",
            "case_officer_title", "documents", "decisions", "delegation_decisions", "rounds", "links", "events",
            "diary_number", "files", "number"}


def _differs(a, b, prefix: str, out: list[str], skipped: set[str]) -> None:
    for f in fields(a):
        if f.name in _SKIPPED or f.name in skipped:
            continue
        left, right = getattr(a, f.name), getattr(b, f.name)
        if left != right:
            label = _LABELS.get(f.name, f.name)
            out.append(f"{prefix}{label}: {_shown(right)} i registret, {_shown(left)} i paketet")


def _shown(value) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, list) and value and isinstance(value[0], ClassificationData):
        return " → ".join(f"{c.code} {c.title}" for c in value)
    if value in (None, "", []):
        return "(tomt)"
    return repr(value) if isinstance(value, str) else str(value)


# What a package from another system cannot be compared by: the register's own package of the
# case says its history, remiss rounds and public forms in Diarium's words, not the other system's.
_NOT_COMPARABLE = {"events", "rounds", "delegation_decisions", "public_title", "public_description"}


def differences(package: CaseData, registered: CaseData) -> list[str]:
    """What differs between the case a package describes and the one the
    register holds (read back from its own package, the same way), in
    Swedish; empty when they are equal."""
    out: list[str] = []
    skipped = _NOT_COMPARABLE if package.source == FOREIGN else set()
    _differs(package, registered, "", out, skipped)
    documents = {d.number: d for d in registered.documents}
    for document in package.documents:
        held = documents.pop(document.number, None)
        if held is None:
            out.append(_("Handling %(n)s finns i paketet men inte i registret.") % {"n": document.number})
            continue
        _differs(document, held, _("Handling %(n)s: ") % {"n": document.number}, out, skipped)
        held_files = {f.key: f for f in held.files}
        for file in document.files:
            other = held_files.pop(file.key, None)
            if other is None:
                out.append(_("Handling %(n)s: fil %(key)s finns i paketet men inte i registret.")
                           % {"n": document.number, "key": file.key})
            elif (file.sha256, file.filename, file.outcome) != (other.sha256, other.filename, other.outcome):
                out.append(_("Handling %(n)s: fil %(key)s har ett annat innehåll eller namn i registret.")
                           % {"n": document.number, "key": file.key})
        for key in held_files:
            out.append(_("Handling %(n)s: fil %(key)s finns i registret men inte i paketet.")
                       % {"n": document.number, "key": key})
    for number in documents:
        out.append(_("Handling %(n)s finns i registret men inte i paketet.") % {"n": number})
    for name, label in (("decisions", _("Beslut")), ("delegation_decisions", _("Delegationsbeslut")),
                        ("rounds", _("Remisser")), ("links", _("Kopplingar till andra ärenden")),
                        ("events", _("Händelser i historiken"))):
        left, right = getattr(package, name), getattr(registered, name)
        if left == right or name in skipped:
            continue
        first = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), min(len(left), len(right)))
        where = ""
        if name == "events" and first < len(left):
            event = left[first]
            where = _(" (i paketet: %(kind)s %(at)s)") % {"kind": event.kind, "at": _shown(event.at)}
        out.append(_("%(what)s: %(held)s i registret, %(package)s i paketet; de skiljer sig från och med nummer "
                     "%(n)s%(where)s.") % {"what": label, "held": len(right), "package": len(left), "n": first + 1,
                                          "where": where})
    return out
