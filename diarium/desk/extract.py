"""A register extract (registerutdrag, GDPR art. 15): every record of one
organisation in which a given person appears, found by their name and/or
e-mail address, for the registrar to hand to the person after a secrecy review.

Where a person can appear: in a case's title or description, as the
counterpart (sender or recipient) of a document or in its description, in the
contact register, as a recipient of a decision or of a remiss, as the one who
asked for a public document, and as the sender of a message in the inbox. The
requester of a public document is also named in the case history's event of
the request; the request's own row stands for both. A screened field
(registry.screening) is searched and shown as it was written, not as the
public sees it.

Matching is case-insensitive and finds the name or address anywhere in a
field (Swedish letters too: SQLite's own LIKE folds only ASCII, so a term with
other letters is compared with Python's lower(), as the registry's document
search does). Each kind of record is one bounded query (EXTRACT_ROWS_MAX rows;
the extract says when there were more). The rights are
access.can_make_register_extract, checked by extract_log.register_extract_make,
which also logs that the extract was made; these selectors read what they are
asked for."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diarium.accounts.models import Organisation
from diarium.core.dbfunctions import UnicodeLower
from diarium.core.errors import DomainError
from diarium.decisions.models import DecisionRecipient
from diarium.intake.models import IntakeItem
from diarium.registry import access as registry_access
from diarium.registry.models import Case, Contact, CopyRequest, Document
from diarium.remiss.models import RemissRecipient

EXTRACT_ROWS_MAX = 1000  # records of one kind; beyond that the extract says it is incomplete
TERM_MIN, TERM_MAX = 3, 200


class RecordKind(models.TextChoices):
    CASE = "case", gettext_lazy("Ärende")
    DOCUMENT = "document", gettext_lazy("Handling")
    CONTACT = "contact", gettext_lazy("Kontaktregistret")
    DECISION_RECIPIENT = "decision_recipient", gettext_lazy("Mottagare av beslut")
    REMISS_RECIPIENT = "remiss_recipient", gettext_lazy("Remissinstans")
    COPY_REQUEST = "copy_request", gettext_lazy("Begäran om allmän handling")
    INTAKE_ITEM = "intake_item", gettext_lazy("Meddelande i inkorgen")


@dataclass(frozen=True)
class Finding:
    """One field of one record in which the person was found."""

    kind: str
    reference: str  # a diary number, a document's reference, a decision's paragraph …
    date: dt.date | None
    field: str  # the field's name, in Swedish
    value: str
    url: str = ""  # where the registrar reads the record (never exported)
    # On a document marked secret, or a protected case title: its secrecy is tried before the extract goes out.
    secret: bool = False

    @property
    def kind_label(self) -> str:
        return str(RecordKind(self.kind).label)


@dataclass
class Extract:
    organisation: Organisation
    name: str
    email: str
    findings: list[Finding] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # kinds (RecordKind) with more than EXTRACT_ROWS_MAX

    @property
    def incomplete_labels(self) -> list[str]:
        return [str(RecordKind(kind).label) for kind in self.incomplete]

    @property
    def has_secret(self) -> bool:
        return any(f.secret for f in self.findings)

    def rows(self) -> list[dict]:
        """The extract as the person gets it: one row per finding."""
        return [{"kind": f.kind, "kind_label": f.kind_label, "reference": f.reference,
                 "date": f.date.isoformat() if f.date else "", "field": f.field, "value": f.value}
                for f in self.findings]


def extract_terms(*, name: str = "", email: str = "") -> tuple[str, str]:
    """The name and e-mail address to search for, tidied; at least one of them,
    each of TERM_MIN to TERM_MAX characters. Every problem at once."""
    name, email = " ".join((name or "").split()), (email or "").strip()
    errors: dict[str, list[str]] = {}
    if not name and not email:
        errors["name"] = [_("Ange personens namn, e-postadress eller båda.")]
    for key, value in (("name", name), ("email", email)):
        if value and len(value) < TERM_MIN:
            errors.setdefault(key, []).append(_("Ange minst %(n)s tecken.") % {"n": TERM_MIN})
        if len(value) > TERM_MAX:
            errors.setdefault(key, []).append(_("Högst %(n)s tecken.") % {"n": TERM_MAX})
    if errors:
        raise DomainError(_("Registerutdraget kunde inte göras: %(error)s")
                          % {"error": next(iter(errors.values()))[0]}, errors=errors)
    return name, email


# --- matching ---------------------------------------------------------------------------------
def _source(path: str):
    """A field, or with "privacy:<field>" the value as written of a screened field."""
    if path.startswith("privacy:"):
        return KT(f"privacy__{path.removeprefix('privacy:')}__original")
    return F(path)


def _ascii_part(term: str) -> str:
    """The longest run of ASCII characters in `term` (lower case), which any
    field holding `term` also holds (unless it writes a k or an i as the Kelvin
    sign or the dotted capital I, which lower() makes ASCII): the database's own
    case-insensitive LIKE finds it, and lower() in Python is asked only about
    the rows it finds."""
    runs = re.findall(r"[\x00-\x7f]+", term.lower())
    return max((r.strip() for r in runs), key=len, default="")


def _matching(qs, paths: list[str], terms: list[str]):
    """Rows of `qs` in which any of `paths` holds any of `terms`, case-insensitively."""
    condition = Q()
    aliases = {}
    for i, path in enumerate(paths):
        aliases[f"x{i}"] = _source(path)
        for term in terms:
            if term.isascii():
                condition |= Q(**{f"x{i}__icontains": term})
                continue
            aliases[f"xl{i}"] = UnicodeLower(_source(path))
            folded = Q(**{f"xl{i}__contains": term.lower()})
            part = _ascii_part(term)
            condition |= Q(**{f"x{i}__icontains": part}) & folded if len(part) >= 2 else folded
    return qs.alias(**aliases).filter(condition)


def _holds(value: str | None, terms: list[str]) -> bool:
    value = (value or "").lower()
    return any(term.lower() in value for term in terms)


def _day(moment: dt.datetime | dt.date | None) -> dt.date | None:
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).date()
    return moment


# --- the kinds of record ------------------------------------------------------------------------
def _bounded(qs, newest_first: str | None = None) -> tuple[list, bool]:
    """At most EXTRACT_ROWS_MAX rows of `qs`, and whether there were more. With
    `newest_first` (a date field), the rows are read unordered and sorted here:
    an ORDER BY would have SQLite walk the whole register by that field's index."""
    if newest_first is not None:
        qs = qs.order_by()
    rows = list(qs[:EXTRACT_ROWS_MAX + 1])
    more = len(rows) > EXTRACT_ROWS_MAX
    rows = rows[:EXTRACT_ROWS_MAX]
    if newest_first is not None:
        rows.sort(key=lambda row: (getattr(row, newest_first), row.pk), reverse=True)
    return rows, more


def _cases(organisation, terms):
    # As in _documents: read the cases once, not by the organisation's index row by row.
    cases = Case.objects.alias(organisation_of=F("organisation_id") + 0).filter(organisation_of=organisation.pk)
    qs = _matching(cases, ["title", "description", "privacy:title", "privacy:description"], terms)
    rows, more = _bounded(qs.only("pk", "diary_number", "registered_at", "title", "description", "privacy"),
                          newest_first="registered_at")
    findings = []
    for case in rows:
        for name, label in (("title", _("Ärendemening")), ("description", _("Beskrivning"))):
            value = registry_access.shown_value(case, name, read_secret=True, read_internal=True)
            if _holds(value, terms) or _holds(getattr(case, name), terms):
                # A title protected under OSL 5 kap. 2 § is shown as written: its secrecy is tried too.
                protected = bool(((case.privacy or {}).get(name) or {}).get("protected"))
                findings.append(Finding(RecordKind.CASE, case.diary_number, _day(case.registered_at), label, value,
                                        url=reverse("registry:case_detail", args=[case.pk]), secret=protected))
    return findings, more


def _documents(organisation, terms):
    # The organisation through an expression, not the column: SQLite would otherwise walk the
    # organisation's cases by their index and look up each one's documents, several times
    # slower than reading the documents once and their case by its key.
    documents = Document.objects.alias(organisation_of=F("case__organisation_id") + 0).filter(
        organisation_of=organisation.pk)
    qs = _matching(documents, ["counterpart", "description", "privacy:description"], terms)
    # Newest first by the index on registered_at: SQLite then reads the documents in that order,
    # and each one's case by its key.
    rows, more = _bounded(qs.select_related("case").only(
        "pk", "number", "document_date", "counterpart", "description", "privacy", "is_secret",
        "case__diary_number").order_by("-registered_at", "-pk"))
    findings = []
    for document in rows:
        reference = f"{document.case.diary_number}-{document.number}"
        description = registry_access.shown_value(document, "description", read_secret=True, read_internal=True)
        for label, value, shown in ((_("Avsändare/mottagare"), document.counterpart, document.counterpart),
                                    (_("Beskrivning"), description, document.description)):
            if _holds(value, terms) or _holds(shown, terms):
                findings.append(Finding(RecordKind.DOCUMENT, reference, document.document_date, label, value,
                                        url=reverse("registry:document_detail", args=[document.pk]),
                                        secret=document.is_secret))
    return findings, more


def _findings(kind, rows, fields, terms, *, reference, date, url) -> list[Finding]:
    """Findings for the `fields` ((attribute, label)) of `rows` that hold a term."""
    return [Finding(kind, reference(row), _day(date(row)), label, getattr(row, name), url=url(row))
            for row in rows for name, label in fields if _holds(getattr(row, name), terms)]


def _names(fields) -> list[str]:
    return [name for name, _label in fields]


def _contacts(organisation, terms):
    fields = [("name", _("Namn")), ("email", _("E-post"))]
    qs = _matching(Contact.objects.filter(organisation=organisation), _names(fields), terms)
    rows, more = _bounded(qs.order_by("name", "pk"))
    return _findings(RecordKind.CONTACT, rows, fields, terms,
                     reference=lambda r: _("Kontakt: %(name)s") % {"name": r.name}, date=lambda r: r.updated_at,
                     url=lambda r: reverse("registry:contact_list") + f"?organisation={organisation.pk}"
                     f"&kontakt={r.pk}"), more


def _decision_recipients(organisation, terms):
    fields = [("name", _("Namn")), ("email", _("E-post"))]
    qs = _matching(DecisionRecipient.objects.filter(decision__organisation=organisation), _names(fields), terms)
    rows, more = _bounded(qs.select_related("decision__organ", "decision__meeting", "decision__case")
                          .order_by("-decision__recorded_at", "pk"))

    def reference(r):
        decision = r.decision
        text = f"{decision.organ.code} {decision.meeting.date:%Y-%m-%d} § {decision.paragraph}"
        return f"{text} ({decision.case.diary_number})" if decision.case_id else text

    return _findings(RecordKind.DECISION_RECIPIENT, rows, fields, terms, reference=reference,
                     date=lambda r: r.sent_at or r.decision.meeting.date,
                     url=lambda r: reverse("decisions:decision_detail", args=[r.decision_id])), more


def _remiss_recipients(organisation, terms):
    fields = [("name", _("Namn")), ("email", _("E-post"))]
    qs = _matching(RemissRecipient.objects.filter(round__organisation=organisation), _names(fields), terms)
    rows, more = _bounded(qs.select_related("round__case").order_by("-round__created_at", "pk"))
    return _findings(RecordKind.REMISS_RECIPIENT, rows, fields, terms,
                     reference=lambda r: _("%(dnr)s, remiss: %(title)s") % {
                         "dnr": r.round.case.diary_number, "title": r.round.title},
                     date=lambda r: r.sent_at or r.round.sent_at or r.round.created_at,
                     url=lambda r: reverse("remiss:round_detail", args=[r.round_id])), more


def _copy_requests(organisation, terms):
    fields = [("name", _("Namn")), ("contact", _("Kontaktuppgift"))]
    qs = _matching(CopyRequest.objects.filter(organisation=organisation), _names(fields), terms)
    rows, more = _bounded(qs.select_related("document__case").order_by("-received_at", "-pk"))
    return _findings(RecordKind.COPY_REQUEST, rows, fields, terms,
                     reference=lambda r: f"{r.document.case.diary_number}-{r.document.number}",
                     date=lambda r: r.received_at,
                     url=lambda r: reverse("registry:document_detail", args=[r.document_id])), more


def _intake_items(organisation, terms):
    fields = [("sender_name", _("Avsändare")), ("sender_address", _("Avsändarens adress"))]
    qs = _matching(IntakeItem.objects.filter(organisation=organisation), _names(fields), terms)
    rows, more = _bounded(qs.select_related("document__case").order_by("-received_at", "-pk"))

    def reference(r):
        if r.document_id:
            return f"{r.document.case.diary_number}-{r.document.number}"
        return _("Inkorgen: %(subject)s") % {"subject": r.subject or r.filename}

    return _findings(RecordKind.INTAKE_ITEM, rows, fields, terms, reference=reference, date=lambda r: r.received_at,
                     url=lambda r: reverse("intake:item", args=[r.pk])), more


SOURCES = (
    (RecordKind.CASE, _cases),
    (RecordKind.DOCUMENT, _documents),
    (RecordKind.CONTACT, _contacts),
    (RecordKind.DECISION_RECIPIENT, _decision_recipients),
    (RecordKind.REMISS_RECIPIENT, _remiss_recipients),
    (RecordKind.COPY_REQUEST, _copy_requests),
    (RecordKind.INTAKE_ITEM, _intake_items),
)


def register_extract(*, organisation: Organisation, name: str = "", email: str = "") -> Extract:
    """Every record of the organisation in which `name` or `email` appears: one
    bounded query per kind of record. The caller has checked the rights
    (extract_log.register_extract_make does, and logs the extract)."""
    name, email = extract_terms(name=name, email=email)
    terms = [t for t in (name, email) if t]
    extract = Extract(organisation=organisation, name=name, email=email)
    for kind, source in SOURCES:
        findings, more = source(organisation, terms)
        extract.findings.extend(findings)
        if more:
            extract.incomplete.append(kind)
    return extract
