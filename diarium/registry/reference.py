"""The register's reference data, kept by the organisation's own administrators:
diary number series ("diarieserier", which organs number their cases in them)
and the classification scheme (process codes; its writes, with their events,
are services.classification). Reads and writes; the rule of who may is
accounts.access.can_administer.

A series or a process code that a case uses is never removed (the diary
numbers and the cases' classification depend on it); nor is a series whose
numbers have been taken. Changing a series' code changes the diary numbers of
cases registered after the change, never the ones already given."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ
from diarium.accounts.services import administration_event_record
from diarium.core.dependents import in_use
from diarium.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    errors_from_validation,
)

from .models import Classification, DocumentType, Series


def _require_admin(actor, organisation_id: int, message: str) -> None:
    if not roles.can_administer(actor, organisation_id):
        raise PermissionDenied(message)


def _save(instance) -> None:
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean()
    except ValidationError as exc:
        raise errors_from_validation(exc) from exc
    instance.save()


# --- series -----------------------------------------------------------------------------------
def series_of(*, organisation) -> QuerySet[Series]:
    return Series.objects.filter(organisation=organisation).prefetch_related("organs").order_by("code", "id")


def series_get(*, organisation, pk: int) -> Series:
    """One of the organisation's series; another organisation's is not found."""
    found = series_of(organisation=organisation).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Diarieserien finns inte."))
    return found


def _series_checked(series: Series, organs: Sequence[Organ] | None) -> None:
    errors: dict[str, list[str]] = {}
    if not series.code:
        errors["code"] = [_("Ange seriens kod.")]
    elif Series.objects.filter(organisation_id=series.organisation_id, code=series.code).exclude(
            pk=series.pk).exists():
        errors["code"] = [_("Koden %(code)s används redan av en annan serie.") % {"code": series.code}]
    if not series.name:
        errors["name"] = [_("Ange seriens namn.")]
    if organs is not None:
        if any(o.organisation_id != series.organisation_id for o in organs):
            errors["organs"] = [_("Organen måste höra till samma organisation.")]
        else:
            elsewhere = (Series.objects.filter(organisation_id=series.organisation_id, organs__in=organs)
                         .exclude(pk=series.pk).values_list("code", flat=True).distinct())
            if elsewhere:
                errors["organs"] = [_("Ett organ kan bara numrera i en serie; ta först bort det från %(codes)s.")
                                    % {"codes": ", ".join(sorted(elsewhere))}]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)


@transaction.atomic
def series_create(*, actor, organisation, code: str, name: str, organs: Sequence[Organ] = ()) -> Series:
    """Add a diary number series, with the organs that register in it."""
    _require_admin(actor, organisation.pk, _("Bara en administratör kan ändra nummerserier."))
    series = Series(organisation=organisation, code=(code or "").strip(), name=" ".join((name or "").split()))
    _series_checked(series, list(organs))
    _save(series)
    series.organs.set(organs)
    administration_event_record(
        actor=actor, organisation=organisation, action="series_created", object_type="series", object_id=series.pk,
        summary=_("Diarieserien %(code)s lades till.") % {"code": series.code},
        changes={"code": series.code, "name": series.name, "organs": ", ".join(o.code for o in organs)})
    return series


@transaction.atomic
def series_update(*, actor, series: Series, code: str | None = None, name: str | None = None,
                  organs: Sequence[Organ] | None = None) -> Series:
    """Change a series' code or name, or which organs register in it."""
    _require_admin(actor, series.organisation_id, _("Bara en administratör kan ändra nummerserier."))
    before = {"code": series.code, "name": series.name,
              "organs": ", ".join(sorted(o.code for o in series.organs.all()))}
    if code is not None:
        series.code = code.strip()
    if name is not None:
        series.name = " ".join(name.split())
    _series_checked(series, None if organs is None else list(organs))
    _save(series)
    after = {"code": series.code, "name": series.name, "organs": before["organs"]}
    if organs is not None:
        series.organs.set(organs)
        after["organs"] = ", ".join(sorted(o.code for o in organs))
    changes = {k: v for k, v in after.items() if v != before[k]}
    if changes:
        administration_event_record(
            actor=actor, organisation=series.organisation, action="series_changed", object_type="series",
            object_id=series.pk, summary=_("Diarieserien %(code)s ändrades.") % {"code": series.code},
            changes=changes)
    return series


@transaction.atomic
def series_delete(*, actor, series: Series) -> None:
    """Remove a series no case uses and no number has been taken in."""
    _require_admin(actor, series.organisation_id, _("Bara en administratör kan ändra nummerserier."))
    if series.cases.exists() or series.counters.filter(last_seq__gt=0).exists():
        raise Conflict(_("Diarieserien har använts för ärenden och kan inte tas bort."))
    series.counters.all().delete()
    if in_use(series):
        raise Conflict(_("Diarieserien används och kan inte tas bort."))
    administration_event_record(
        actor=actor, organisation=series.organisation, action="series_removed", object_type="series",
        object_id=series.pk, summary=_("Diarieserien %(code)s togs bort.") % {"code": series.code},
        changes={"code": series.code, "name": series.name})
    series.delete()


# --- the classification scheme ------------------------------------------------------------------
def classifications_of(*, organisation) -> QuerySet[Classification]:
    """The scheme's nodes (writes: services.classification)."""
    return Classification.objects.filter(organisation=organisation).select_related("parent").order_by("code", "id")


def classification_get(*, organisation, pk: int) -> Classification:
    """One of the organisation's process codes; another organisation's is not found."""
    found = classifications_of(organisation=organisation).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Klassificeringen finns inte."))
    return found


# --- document types ----------------------------------------------------------------------------
def document_types_of(*, organisation, active_only: bool = False) -> QuerySet[DocumentType]:
    qs = DocumentType.objects.filter(organisation=organisation).order_by("name")
    return qs.filter(active=True) if active_only else qs


def document_type_get(*, organisation, pk: int) -> DocumentType:
    document_type = DocumentType.objects.filter(organisation=organisation, pk=pk).first()
    if document_type is None:
        raise NotFound(_("Handlingstypen finns inte."))
    return document_type


@transaction.atomic
def document_type_create(*, actor, organisation, name: str) -> DocumentType:
    """Add a kind of document to the organisation's register."""
    _require_admin(actor, organisation.pk, _("Bara en administratör kan ändra handlingstyperna."))
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Ange handlingstypens namn."), field="name")
    if DocumentType.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise DomainError(_("Handlingstypen %(name)s finns redan.") % {"name": name}, field="name")
    document_type = DocumentType(organisation=organisation, name=name)
    _save(document_type)
    administration_event_record(
        actor=actor, organisation=organisation, action="document_type_created", object_type="document_type",
        object_id=document_type.pk, summary=_("Handlingstypen %(name)s lades till.") % {"name": name},
        changes={"name": name})
    return document_type


@transaction.atomic
def document_type_update(*, actor, document_type: DocumentType, name: str | None = None,
                         active: bool | None = None) -> DocumentType:
    """Rename a kind of document, or retire it (it stays on the documents that have it)."""
    _require_admin(actor, document_type.organisation_id, _("Bara en administratör kan ändra handlingstyperna."))
    before = {"name": document_type.name, "active": document_type.active}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise DomainError(_("Ange handlingstypens namn."), field="name")
        if DocumentType.objects.filter(organisation_id=document_type.organisation_id, name__iexact=name).exclude(
                pk=document_type.pk).exists():
            raise DomainError(_("Handlingstypen %(name)s finns redan.") % {"name": name}, field="name")
        document_type.name = name
    if active is not None:
        document_type.active = bool(active)
    _save(document_type)
    changes = {k: getattr(document_type, k) for k, v in before.items() if getattr(document_type, k) != v}
    if changes:
        administration_event_record(
            actor=actor, organisation=document_type.organisation, action="document_type_changed",
            object_type="document_type", object_id=document_type.pk,
            summary=_("Handlingstypen %(name)s ändrades.") % {"name": document_type.name}, changes=changes)
    return document_type


# --- the diary number's format -----------------------------------------------------------------
DIARY_NUMBER_FORMAT_MAX = 60
DIARY_NUMBER_PARTS = ("year", "seq", "series")


def diary_number_format_errors(fmt: str) -> list[str]:
    """What is wrong with a format for diary numbers, every problem at once:
    it uses {year}, {seq} and {series} (each of them, so that two cases never
    share a number) and nothing else, and a number it gives fits its column."""
    import string

    from diarium.core.control_characters import control_characters_message, has_control_characters
    from diarium.core.limits import too_long

    from .models import Case

    problems: list[str] = []
    if not fmt:
        return [_("Ange formatet för diarienummer.")]
    if len(fmt) > DIARY_NUMBER_FORMAT_MAX:
        problems.append(too_long(DIARY_NUMBER_FORMAT_MAX))
    if has_control_characters(fmt):
        problems.append(control_characters_message())
    try:
        fields = [(name, conversion, spec) for _text, name, spec, conversion in string.Formatter().parse(fmt)
                  if name is not None]
    except ValueError:
        return problems + [_("Formatet har en klammer som inte är stängd; skriv platshållarna som {year}, {seq} "
                             "och {series}.")]
    unknown = sorted({"{%s%s%s}" % (name, f"!{conversion}" if conversion else "", f":{spec}" if spec else "")
                      for name, conversion, spec in fields
                      if name not in DIARY_NUMBER_PARTS or conversion or (spec and not spec.isdigit())})
    if unknown:
        problems.append(_("Formatet får bara använda platshållarna {year}, {seq} och {series}, inte %(names)s.")
                        % {"names": ", ".join(unknown)})
    missing = [part for part in DIARY_NUMBER_PARTS if part not in {name for name, _c, _s in fields}]
    if missing:
        problems.append(_("Formatet måste innehålla %(parts)s, så att två ärenden aldrig får samma nummer.")
                        % {"parts": ", ".join("{%s}" % part for part in missing)})
    if not unknown and not missing:
        try:
            longest = fmt.format(year=9999, seq=9_999_999, series="X" * 20).strip()
        except (ValueError, IndexError, KeyError):
            problems.append(_("Formatet kan inte användas; skriv platshållarna som {year}, {seq} och {series}."))
        else:
            limit = Case._meta.get_field("diary_number").max_length
            if len(longest) > limit:
                problems.append(_("Ett diarienummer i formatet kan bli längre än %(n)s tecken; korta den fasta "
                                  "texten.") % {"n": limit})
    return problems


def diary_number_example(fmt: str, *, series: Series | None = None, year: int) -> str:
    """The number `fmt` gives the next case of `series` in `year` (or case 1 of
    series "KS" when none is given); "" when the format cannot be used."""
    from .services.numbering import format_diary_number

    if diary_number_format_errors(fmt):
        return ""
    seq = 1
    if series is not None:
        counter = next((c for c in series.counters.all() if c.year == year), None)
        seq = (counter.last_seq if counter else 0) + 1
    return format_diary_number(fmt, year=year, seq=seq, series=series.code if series else "KS")


@transaction.atomic
def diary_number_format_set(*, actor, organisation, fmt: str):
    """Change how the organisation's diary numbers are written. Cases
    registered from now on get numbers in the new format; those already
    registered keep theirs."""
    from diarium.accounts.models import Organisation

    _require_admin(actor, organisation.pk, _("Bara en administratör kan ändra formatet för diarienummer."))
    fmt = (fmt or "").strip()
    problems = diary_number_format_errors(fmt)
    if problems:
        raise DomainError(problems[0], errors={"diary_number_format": problems})
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = organisation.diary_number_format
    if fmt == before:
        return organisation
    organisation.diary_number_format = fmt
    organisation.save(update_fields=["diary_number_format"])
    administration_event_record(
        actor=actor, organisation=organisation, action="diary_number_format_changed", object_type="organisation",
        object_id=organisation.pk, summary=_("Formatet för diarienummer ändrades från %(before)s till %(after)s.")
        % {"before": before, "after": fmt}, changes={"diary_number_format": fmt})
    return organisation
