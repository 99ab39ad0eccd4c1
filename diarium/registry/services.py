"""Writes to the case register. Each service is one transaction that also
appends its Event to the case history."""

from __future__ import annotations

import datetime as dt
import threading
import logging
import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diarium.accounts import access as roles
from diarium.accounts.models import Organ, Person
from diarium.core.drawing import DrawnUpFile
from diarium.core.errors import DomainError, PermissionDenied, errors_from_validation
from diarium.core.limits import check_lengths, length_errors, past_date_errors
from diarium.core.tasks import enqueue_by_name

from . import access
from . import files as file_store
from . import history
from .history import event_append, secret_read_log  # noqa: F401 (secret_read_log re-exported)
from .models import (
    DOCUMENT_COUNTERPART_MAX,
    DOCUMENT_DESCRIPTION_MAX,
    REASON_MAX,
    SECRECY_GROUND_MAX,
    Case,
    Classification,
    Document,
    DocumentFile,
    Event,
    Series,
    SeriesCounter,
)

logger = logging.getLogger("diarium.registry")

actor_name = history.actor_name  # for the apps above, which name the actor in their own records


# --- helpers ---------------------------------------------------------------------
def _clean(instance, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise errors_from_validation(exc) from exc


# --- numbering -----------------------------------------------------------------------
def series_for_organ(organ: Organ) -> Series:
    """The series an organ registers in: its own, else its parent's (a committee
    registers in its board's series), else a new one with the organ's code."""
    # Cached per object and thread (an organ object is per request); a series
    # created just now is not cached: its transaction may still roll back.
    cached = getattr(organ, "_diarium_series", None)
    if cached is not None and cached[0] == threading.get_ident():
        return cached[1]
    candidates = [organ.pk] + ([organ.parent_id] if organ.parent_id else [])
    found = {s.organ_id: s for s in Series.objects.filter(organs__in=candidates).annotate(organ_id=F("organs"))}
    series = found.get(organ.pk) or found.get(organ.parent_id)
    if series is None:
        series, _created = Series.objects.get_or_create(
            organisation_id=organ.organisation_id, code=organ.code, defaults={"name": organ.name}
        )
        series.organs.add(organ)
        return series
    organ._diarium_series = (threading.get_ident(), series)
    return series


def format_diary_number(fmt: str, *, year: int, seq: int, series: str) -> str:
    return fmt.format(year=year, seq=seq, series=series).strip()


def _increment(sql: str, params: list) -> int | None:
    """Run an `UPDATE … SET n = n + 1 … RETURNING n` and return n (None: no row).
    One statement that both locks the row and takes the number, on SQLite and
    PostgreSQL alike."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _next_number(series: Series, year: int) -> int:
    """Take the next number. Must run inside the registering transaction: the row
    lock serialises concurrent registrations and a rollback returns the number."""
    table = SeriesCounter._meta.db_table
    sql = f"UPDATE {table} SET last_seq = last_seq + 1 WHERE series_id = %s AND year = %s RETURNING last_seq"
    seq = _increment(sql, [series.pk, year])
    if seq is None:
        SeriesCounter.objects.get_or_create(series=series, year=year)
        seq = _increment(sql, [series.pk, year])
    return seq


@transaction.atomic
def series_counter_set(*, series: Series, year: int, last_seq: int, actor) -> SeriesCounter:
    """Move a series forward, e.g. when the register continues from an earlier
    system. Numbers are never reused, so the counter only moves forward."""
    if not roles.can_administer(actor, series.organisation_id):
        raise PermissionDenied(_("Bara en administratör kan ändra nummerserier."))
    counter, _created = SeriesCounter.objects.select_for_update().get_or_create(series=series, year=year)
    if last_seq < counter.last_seq:
        raise DomainError(
            _("Serien %(code)s %(year)s har redan nått nummer %(seq)s; nummer kan inte återanvändas.")
            % {"code": series.code, "year": year, "seq": counter.last_seq},
            field="last_seq",
        )
    counter.last_seq = last_seq
    counter.save(update_fields=["last_seq"])
    return counter


# --- classification scheme --------------------------------------------------------------
@transaction.atomic
def classification_create(*, actor, organisation, code: str, title: str, retention: str = "") -> Classification:
    """Add a process code to the organisation's classification scheme."""
    if not roles.can_administer(actor, organisation.pk):
        raise PermissionDenied(_("Bara en administratör kan ändra klassificeringsstrukturen."))
    code, title = (code or "").strip(), (title or "").strip()
    if Classification.objects.filter(organisation=organisation, code=code).exists():
        raise DomainError(_("Koden %(code)s finns redan.") % {"code": code}, field="code")
    classification = Classification(organisation=organisation, code=code, title=title,
                                    retention=(retention or "").strip())
    _clean(classification, exclude=["organisation"])
    classification.save()
    return classification


# --- cases -------------------------------------------------------------------------------
@transaction.atomic
def case_register(
    *,
    actor,
    organ: Organ,
    title: str,
    case_officer: Person | None = None,
    classification: Classification | None = None,
    description: str = "",
    registered_at: dt.datetime | None = None,
) -> Case:
    """Register a case and give it the next diary number of the organ's series."""
    access.require_role(actor, roles.REGISTER_CASE, organ, _("Du har inte behörighet att registrera ärenden för %(organ)s.") % {"organ": organ.name})
    if organ.kind == Organ.Kind.EXTERNAL:
        raise DomainError(_("Ärenden kan inte registreras på en extern organisation."), field="organ")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Ange en ärendemening."), field="title")
    if case_officer is not None and case_officer.organisation_id != organ.organisation_id:
        raise DomainError(_("Handläggaren hör till en annan organisation."), field="case_officer")
    if classification is not None and classification.organisation_id != organ.organisation_id:
        raise DomainError(_("Klassificeringen hör till en annan organisation."), field="classification")
    if registered_at is not None:
        wrong_date = past_date_errors(timezone.localtime(registered_at).date())
        if wrong_date:
            raise DomainError(wrong_date[0], field="registered_at")
    registered_at = registered_at or timezone.now()
    year = timezone.localtime(registered_at).year
    series = series_for_organ(organ)
    case = Case(
        organisation_id=organ.organisation_id, organ=organ, series=series, year=year, seq=0, diary_number="-",
        title=title, description=(description or "").strip(), case_officer=case_officer,
        classification=classification, registered_at=registered_at,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Relations were checked above; excluding them saves a query each.
    _clean(case, exclude=["seq", "diary_number", "series", "registered_by", "organisation", "organ",
                          "case_officer", "classification"])
    case.seq = _next_number(series, year)
    case.diary_number = format_diary_number(
        organ.organisation.diary_number_format, year=year, seq=case.seq, series=series.code
    )
    case.refresh_search_text()
    case.save()
    event_append(
        case=case, kind=Event.Kind.CASE_REGISTERED, actor=actor, at=registered_at,
        data={"diary_number": case.diary_number, "title": case.title, "organ": organ.code,
              "case_officer": case_officer.name if case_officer else ""},
    )
    return case


CASE_EDITABLE = ("title", "description", "case_officer", "classification")


@transaction.atomic
def case_update(*, actor, case: Case, **changes) -> Case:
    """Change a case's title, description, officer or classification."""
    access.require_role(actor, roles.REGISTER_CASE | roles.CLOSE_CASE, case.organ, _("Du har inte behörighet att ändra ärendet."))
    unknown = set(changes) - set(CASE_EDITABLE)
    if unknown:
        raise DomainError(_("Fältet kan inte ändras: %(f)s") % {"f": ", ".join(sorted(unknown))})
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = {}
    for name, value in changes.items():
        if name == "title":
            value = (value or "").strip()
            if not value:
                raise DomainError(_("Ange en ärendemening."), field="title")
        old = getattr(case, name)
        if old != value:
            before[name] = (str(old) if old is not None else "", str(value) if value is not None else "")
            setattr(case, name, value)
    if not before:
        return case
    _clean(case, exclude=["registered_by"])
    case.refresh_search_text()
    case.save(update_fields=[*before, "search_text"])
    event_append(case=case, kind=Event.Kind.CASE_UPDATED, actor=actor,
                 data={"changes": {k: {"from": a, "to": b} for k, (a, b) in before.items()}})
    return case


@transaction.atomic
def case_close(*, actor, case: Case, reason: str = "") -> Case:
    access.require_role(actor, roles.CLOSE_CASE, case.organ, _("Du har inte behörighet att avsluta ärendet."))
    check_lengths({"reason": ((reason or "").strip(), REASON_MAX)})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.CLOSED:
        raise DomainError(_("Ärendet är redan avslutat."))
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    event_append(case=case, kind=Event.Kind.CASE_CLOSED, actor=actor, data={"reason": (reason or "").strip()})
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    access.require_role(actor, roles.CLOSE_CASE, case.organ, _("Du har inte behörighet att återöppna ärendet."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Ange varför ärendet återöppnas."), field="reason")
    check_lengths({"reason": (reason, REASON_MAX)})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.CLOSED:
        raise DomainError(_("Ärendet är inte avslutat."))
    case.status = Case.Status.OPEN
    case.closed_at = None
    case.save(update_fields=["status", "closed_at"])
    event_append(case=case, kind=Event.Kind.CASE_REOPENED, actor=actor, data={"reason": reason})
    return case


# --- documents ----------------------------------------------------------------------------
def _check_files(uploads: Iterable) -> list[file_store.CheckedFile]:
    return [file_store.check_upload(upload) for upload in uploads if upload is not None]


def _with_file_cleanup(fn):
    """Run fn(written) in a transaction; if it fails, remove files it wrote."""
    written: list[str] = []
    try:
        with transaction.atomic():
            return fn(written)
    except BaseException:
        file_store.remove_unreferenced(written)
        raise


def document_register(*, actor, case: Case, **fields) -> Document:
    """Register a document on a case with its files (the fields of
    document_create). OSL 5 kap. 1 § requires the date, the diary number, the
    sender or recipient and what it concerns."""
    access.require_role(actor, roles.REGISTER_DOCUMENT, case.organ, _("Du har inte behörighet att registrera handlingar i ärendet."))
    fields.pop("actor_name", None)  # the history names the user who registers
    return document_create(actor=actor, case=case, **fields)


def document_create(
    *,
    actor,
    case: Case,
    direction: str,
    document_date: dt.date,
    description: str,
    counterpart: str = "",
    counterpart_is_private: bool = False,
    files: Sequence = (),
    registered_at: dt.datetime | None = None,
    actor_name: str | None = None,
) -> Document:
    """document_register without the role check, for callers that authorised the
    write themselves (a remiss answer through its personal link)."""
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    counterpart = (counterpart or "").strip()
    if direction not in Document.Direction.values:
        errors["direction"] = [_("Välj om handlingen är inkommande, upprättad, utgående eller intern.")]
    if not isinstance(document_date, dt.date):
        errors["document_date"] = [_("Ange datum då handlingen kom in eller upprättades (ÅÅÅÅ-MM-DD).")]
    elif past_date_errors(document_date):
        errors["document_date"] = past_date_errors(document_date)
    if not description:
        errors["description"] = [_("Ange kortfattat vad handlingen rör.")]
    if direction == Document.Direction.INCOMING and not counterpart:
        errors["counterpart"] = [_("Ange vem handlingen kom från.")]
    if direction == Document.Direction.OUTGOING and not counterpart:
        errors["counterpart"] = [_("Ange vem handlingen skickades till.")]
    for name, messages in length_errors({"description": (description, DOCUMENT_DESCRIPTION_MAX),
                                         "counterpart": (counterpart, DOCUMENT_COUNTERPART_MAX)}).items():
        errors.setdefault(name, messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)
    checked = _check_files(files)  # before any write: a bad file leaves nothing behind
    now = registered_at or timezone.now()

    def write(written: list[str]) -> Document:
        number = _increment(
            f"UPDATE {Case._meta.db_table} SET document_count = document_count + 1 WHERE id = %s "
            "RETURNING document_count",
            [case.pk],
        )
        document = Document(
            case=case, number=number, direction=direction, document_date=document_date,
            counterpart=counterpart, counterpart_is_private=counterpart_is_private, description=description,
            registered_at=now, registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _clean(document, exclude=["case", "registered_by"])
        document.save()
        event_append(
            case=case, document=document, kind=Event.Kind.DOCUMENT_REGISTERED, actor=actor, at=now,
            data={"number": document.number, "direction": direction}, actor_name=actor_name,
        )
        for position, item in enumerate(checked, start=1):
            _file_append(document=document, checked=item, position=position, version=1, actor=actor,
                         written=written, at=now, log=False)
        return document

    return _with_file_cleanup(write)


def document_draw_up(
    *, actor, case: Case, document: Document | None, description: str, filename: str = "", html: str = "",
    drawn: DrawnUpFile | None = None, now: dt.datetime | None = None,
) -> Document:
    """Register a document the system draws up (a compilation, a report) with its
    file (`drawn`, or the HTML `html` as `filename`); drawn up again, the file
    gets a new version and nothing is overwritten. The caller has checked the
    actor's right."""
    now = now or timezone.now()
    upload = drawn.upload() if drawn is not None else SimpleUploadedFile(
        filename, html.encode("utf-8"), content_type="text/html")
    if document is None:
        return document_create(
            actor=actor, case=case, direction=Document.Direction.DRAWN_UP,
            document_date=timezone.localtime(now).date(), description=description[:DOCUMENT_DESCRIPTION_MAX], files=[upload],
            registered_at=now,
        )
    current = document.files.order_by("position", "-version").first()
    document_file_add(actor=actor, document=document, upload=upload, replaces=current, at=now)
    return document


def _file_append(*, document, checked, position, version, actor, written, at=None, log=True) -> DocumentFile:
    blob = file_store.blob_store(checked, written=written)
    document_file = DocumentFile.objects.create(
        document=document, position=position, version=version, filename=checked.name, blob=blob,
        created_at=at or timezone.now(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if log:
        event_append(
            case=document.case, document=document,
            kind=Event.Kind.FILE_ADDED if version == 1 else Event.Kind.FILE_VERSION_ADDED,
            actor=actor, at=at, data={"number": document.number, "position": position, "version": version},
        )
    return document_file


def document_file_add(
    *, actor, document: Document, upload, replaces: DocumentFile | None = None, at: dt.datetime | None = None,
) -> DocumentFile:
    """Add a file to a document, or (with `replaces`) a new version of one of its
    files. Nothing is overwritten: earlier versions stay readable. `at`: when it
    was added (default now; loaders of historic data pass the date)."""
    access.require_role(actor, roles.REGISTER_DOCUMENT, document.case.organ, _("Du har inte behörighet att lägga till filer."))
    if replaces is not None and replaces.document_id != document.pk:
        raise DomainError(_("Filen hör inte till handlingen."), field="replaces")
    checked = file_store.check_upload(upload, field="file")

    def write(written: list[str]) -> DocumentFile:
        Document.objects.select_for_update().filter(pk=document.pk).first()
        if replaces is not None:
            position = replaces.position
            version = (
                DocumentFile.objects.filter(document=document, position=position)
                .order_by("-version").values_list("version", flat=True).first()
            ) + 1
        else:
            position = (
                DocumentFile.objects.filter(document=document).order_by("-position")
                .values_list("position", flat=True).first() or 0
            ) + 1
            version = 1
        return _file_append(document=document, checked=checked, position=position, version=version,
                            actor=actor, written=written, at=at)

    return _with_file_cleanup(write)


@transaction.atomic
def document_mark_secret(*, actor, document: Document, ground: str, masked_fields: Sequence[str] = ()) -> Document:
    """Mark a document secret with its legal ground and the register fields that
    are masked in public views."""
    access.require_role(actor, roles.MARK_SECRET, document.case.organ, _("Du har inte behörighet att sekretessmarkera handlingar."))
    ground = (ground or "").strip()
    if not ground:
        raise DomainError(_("Ange sekretessgrund, till exempel \"OSL 26 kap. 1 §\"."), field="ground")
    check_lengths({"ground": (ground, SECRECY_GROUND_MAX)})
    unknown = set(masked_fields) - set(Document.MASKABLE_FIELDS)
    if unknown:
        raise DomainError(_("Okänt fält att maskera: %(f)s") % {"f": ", ".join(sorted(unknown))}, field="masked_fields")
    document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
    document.is_secret = True
    document.secrecy_ground = ground
    document.masked_fields = sorted(set(masked_fields))
    document.secrecy_marked_by = actor if getattr(actor, "is_authenticated", False) else None
    document.secrecy_marked_at = timezone.now()
    document.save(update_fields=["is_secret", "secrecy_ground", "masked_fields", "secrecy_marked_by", "secrecy_marked_at"])
    event_append(case=document.case, document=document, kind=Event.Kind.SECRECY_MARKED, actor=actor,
                 data={"number": document.number, "ground": ground, "masked_fields": document.masked_fields})
    return document


@transaction.atomic
def document_lift_secrecy(*, actor, document: Document, reason: str) -> Document:
    access.require_role(actor, roles.MARK_SECRET, document.case.organ, _("Du har inte behörighet att ta bort sekretessmarkeringar."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Ange varför sekretessmarkeringen tas bort."), field="reason")
    check_lengths({"reason": (reason, REASON_MAX)})
    document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
    if not document.is_secret:
        raise DomainError(_("Handlingen är inte sekretessmarkerad."))
    previous = document.secrecy_ground
    document.is_secret = False
    document.secrecy_ground = ""
    document.masked_fields = []
    document.save(update_fields=["is_secret", "secrecy_ground", "masked_fields"])
    event_append(case=document.case, document=document, kind=Event.Kind.SECRECY_LIFTED, actor=actor,
                 data={"number": document.number, "previous_ground": previous, "reason": reason})
    return document


# --- requests for copies of public documents ("begär ut handling") -----------------------
COPY_FORMATS = {"paper": gettext_lazy("Papperskopia med post"), "email": gettext_lazy("Kopia med e-post")}
COPY_NAME_MAX = 200
COPY_CONTACT_MAX = 500
COPY_MESSAGE_MAX = 2000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _copy_text(value, *, single_line: bool) -> str:
    value = _CONTROL_CHARS.sub("", str(value or ""))
    if single_line:
        return " ".join(value.split())
    return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@transaction.atomic
def copy_request_record(*, document: Document, name: str = "", contact: str = "", format: str,
                        message: str = "", now: dt.datetime | None = None) -> Event:
    """Record that someone asked for a copy of a document, for the registrar to
    handle. Anyone may ask, anonymously (TF 2 kap. 18 §), for any document, secret
    ones too: the secrecy check comes when the request is handled. The public
    history shows only a neutral line; the requester's details are in the event's
    data, shown to staff who may read internal data (selectors.case_event_queryset)."""
    name = _copy_text(name, single_line=True)
    contact = _copy_text(contact, single_line=False)
    message = _copy_text(message, single_line=False)
    errors: dict[str, list[str]] = {}
    if format not in COPY_FORMATS:
        errors["format"] = [_("Välj om du vill få kopian på papper eller med e-post.")]
    if len(name) > COPY_NAME_MAX:
        errors["name"] = [_("Namnet får vara högst %(n)s tecken.") % {"n": COPY_NAME_MAX}]
    if len(contact) > COPY_CONTACT_MAX:
        errors["contact"] = [_("Kontaktuppgiften får vara högst %(n)s tecken.") % {"n": COPY_CONTACT_MAX}]
    elif format == "email" and not contact:
        errors["contact"] = [_("Ange en e-postadress som kopian ska skickas till. Du behöver inte ange ditt namn.")]
    elif format == "email" and not _is_email(contact):
        errors["contact"] = [_("Ange en giltig e-postadress, till exempel namn@exempel.se, "
                               "eller välj papperskopia och ange en postadress.")]
    if len(message) > COPY_MESSAGE_MAX:
        errors["message"] = [_("Meddelandet får vara högst %(n)s tecken.") % {"n": COPY_MESSAGE_MAX}]
    if errors:
        raise DomainError(_("Begäran kunde inte skickas. Rätta uppgifterna och försök igen."), errors=errors)

    case = document.case
    reference = f"{case.diary_number}-{document.number}"
    event = event_append(
        case=case, document=document, kind=Event.Kind.COPY_REQUESTED, actor=None,
        actor_name=_("Enskild via webben"), at=now or timezone.now(),
        data={
            "number": document.number,
            "reference": reference,
            # The only text meant for a wider audience: no name, no contact details.
            "details": _("Begäran om kopia av %(ref)s") % {"ref": reference},
            "request": {
                "name": name, "contact": contact, "format": format, "format_label": str(COPY_FORMATS[format]),
                "message": message, "document_secret": document.is_secret,
            },
        },
    )
    if getattr(settings, "DIARIUM_REGISTRAR_EMAIL", ""):
        enqueue_by_name("diarium.registry.tasks.notify_copy_request", event.pk)
    return event


def copy_request_notify(event_id: int, *, connection=None) -> bool:
    """E-mail the registrar (settings.DIARIUM_REGISTRAR_EMAIL) about a request
    for a copy. Without the setting nothing is sent; the request is in the case
    history either way."""
    registrar = getattr(settings, "DIARIUM_REGISTRAR_EMAIL", "")
    event = Event.objects.select_related("case", "document").filter(
        pk=event_id, kind=Event.Kind.COPY_REQUESTED).first()
    if not registrar or event is None:
        return False
    from django.urls import reverse

    request = event.data.get("request", {})
    reference = event.data.get("reference", "")
    body = render_to_string("registry/email/copy_request.txt", {
        "event": event, "case": event.case, "reference": reference, "request": request,
        "url": settings.SITE_URL + reverse("registry:document_detail", args=[event.document_id]),
        "history_url": settings.SITE_URL + reverse("registry:case_history", args=[event.case_id]),
    })
    contact = request.get("contact", "")
    reply_to = [contact] if contact and _is_email(contact) else None
    subject = _("Begäran om allmän handling: %(ref)s") % {"ref": reference}
    try:
        EmailMessage(subject=subject, body=body, to=[registrar], reply_to=reply_to, connection=connection).send()
    except Exception as exc:  # the mail server; the request itself is recorded
        logger.warning("Copy request %s could not be mailed to the registrar: %s", event_id, exc)
        return False
    return True


COPY_REQUEST_WINDOW = 3600  # seconds


def copy_request_allowed(*, client: str) -> bool:
    """Count one request for a copy from `client` (an address) and say whether it
    is within DIARIUM_COPY_REQUEST_LIMIT an hour (20 by default): enough for
    anyone asking for a case's documents one by one, and a brake on scripts
    filling the registrar's inbox. The web form and the API count together."""
    from diarium.core import ratelimit

    limit = int(getattr(settings, "DIARIUM_COPY_REQUEST_LIMIT", 20))
    return ratelimit.hit("copy-request", client, limit=limit, window=COPY_REQUEST_WINDOW).allowed
