"""Writes of the records plan (dokumenthanteringsplan): a draft version is
created (copied from the version in force, or empty), its rules are added,
changed and removed, and it is adopted by a recorded decision with the day it
takes effect; the version it replaces is then superseded. Adopted versions
are never edited. Every write is one transaction with its event.

A rule whose retention period cannot be computed is refused, with every
error at once: dispose (gallra) without a period, a negative or absurd
period (over MAX_RETENTION_YEARS), an unknown event to count from, a period
counted from a decision without the event it is counted from in a case that
has none, keep (bevara) with a period, two rules for the same process,
document type and documents (all, secret, with personal data)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.errors import DomainError
from diarium.core.limits import length_errors
from diarium.registry import services as registry
from diarium.registry.models import Classification, DocumentType

from .. import access, retention, selectors
from ..events import ArchiveEvent
from ..models import (
    MAX_RETENTION_YEARS,
    RULE_FORM_MAX,
    RULE_LEGAL_GROUND_MAX,
    RULE_NOTE_MAX,
    CountedFrom,
    RecordsPlanVersion,
    RetentionRule,
)
from .shared import decision_errors, errors_raise

RULE_FIELDS = ("classification", "document_type", "applies_to", "action", "years", "months", "counted_from",
               "counted_from_fallback", "form", "legal_ground", "note")


def _whole(value, field: str, errors: dict[str, list[str]]) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(
            _("Ange tiden i hela år.") if field == "years" else _("Ange tiden i hela månader."))
        return 0
    if number < 0:
        errors.setdefault(field, []).append(_("Tiden kan inte vara negativ."))
    return number


def rule_values_errors(values: Mapping, *, organisation_id: int) -> tuple[dict, dict[str, list[str]]]:
    """A rule's values cleaned, and what is wrong with them, every problem at
    once (keyed by field). `values` holds RULE_FIELDS; the classification and
    document type as rows (or None)."""
    errors: dict[str, list[str]] = {}
    clean = {name: values.get(name) for name in RULE_FIELDS}
    for name in ("applies_to", "action", "counted_from", "counted_from_fallback", "form", "legal_ground", "note"):
        clean[name] = " ".join(str(clean[name] or "").split()) if name != "note" else str(clean[name] or "").strip()
    classification, document_type = clean["classification"], clean["document_type"]
    if classification is None:
        errors["classification"] = [_("Välj den process regeln gäller.")]
    elif classification.organisation_id != organisation_id:
        errors["classification"] = [_("Processen hör till en annan organisation.")]
    elif not retention.is_process(classification):
        errors["classification"] = [_("%(code)s är inte en process. Regler sätts för processer "
                                      "(verksamhetsområde → processgrupp → process).") % {"code": classification.code}]
    if document_type is not None and document_type.organisation_id != organisation_id:
        errors["document_type"] = [_("Handlingstypen hör till en annan organisation.")]
    clean["applies_to"] = clean["applies_to"] or RetentionRule.AppliesTo.ALL
    if clean["applies_to"] not in RetentionRule.AppliesTo.values:
        errors["applies_to"] = [_("Välj om regeln gäller alla handlingar, sekretessmarkerade handlingar eller "
                                  "handlingar med personuppgifter.")]
    action = clean["action"]
    if action not in RetentionRule.Action.values:
        errors["action"] = [_("Välj bevara eller gallra.")]
    years, months = _whole(clean["years"], "years", errors), _whole(clean["months"], "months", errors)
    clean["years"], clean["months"] = years, months
    counted_from, fallback = clean["counted_from"], clean["counted_from_fallback"]
    events = ", ".join(str(label) for label in CountedFrom.labels)
    if counted_from and counted_from not in CountedFrom.values:
        errors["counted_from"] = [_("Okänd händelse att räkna tiden från: %(value)s. Tiden räknas från att "
                                    "%(events)s.") % {"value": counted_from[:40], "events": events}]
    if fallback and fallback not in (CountedFrom.CASE_CLOSED, CountedFrom.REGISTERED):
        errors["counted_from_fallback"] = [_("I ärenden utan beslut räknas tiden från att ärendet avslutades eller "
                                             "att handlingen registrerades.")]
    if action == RetentionRule.Action.DISPOSE:
        if not errors.get("years") and not errors.get("months"):
            if years * 12 + months <= 0:
                errors["years"] = [_("En regel som gallrar måste ange efter hur lång tid: år och/eller månader.")]
            elif years * 12 + months > MAX_RETENTION_YEARS * 12:
                errors["years"] = [_("%(period)s är ingen rimlig gallringsfrist (högst %(max)d år). Handlingar som "
                                     "ska finnas kvar längre bevaras.")
                                   % {"period": retention.period_text(years, months), "max": MAX_RETENTION_YEARS}]
        if not counted_from:
            errors["counted_from"] = [_("Ange från vilken händelse tiden räknas: att %(events)s.")
                                      % {"events": events}]
        elif counted_from == CountedFrom.DECISION and not fallback:
            errors["counted_from_fallback"] = [_(
                "Tiden räknas från beslut i ärendet. Ange också från vilken händelse den räknas i ärenden där "
                "inget beslut finns (att ärendet avslutades eller att handlingen registrerades), annars kan "
                "gallringsfristen inte räknas ut för dem.")]
    elif action == RetentionRule.Action.KEEP:
        if years or months or counted_from or fallback:
            errors["years"] = [_("En regel som bevarar gallrar aldrig: lämna tid och händelse tomma.")]
    if counted_from != CountedFrom.DECISION:
        clean["counted_from_fallback"] = ""  # asked for only where the period is counted from a decision
    for name, messages in length_errors({"form": (clean["form"], RULE_FORM_MAX),
                                         "legal_ground": (clean["legal_ground"], RULE_LEGAL_GROUND_MAX),
                                         "note": (clean["note"], RULE_NOTE_MAX)}).items():
        errors.setdefault(name, messages)
    return clean, errors


def _scope_label(clean: Mapping) -> str:
    classification, document_type = clean["classification"], clean["document_type"]
    parts = [retention.classification_label(classification) if classification else "?",
             document_type.name if document_type else _("alla handlingstyper")]
    if clean["applies_to"] in RetentionRule.AppliesTo.values and clean["applies_to"] != RetentionRule.AppliesTo.ALL:
        parts.append(str(RetentionRule.AppliesTo(clean["applies_to"]).label).lower())
    return ", ".join(parts)


def _duplicate(version: RecordsPlanVersion, clean: Mapping, *, exclude_pk: int | None = None) -> bool:
    if clean["classification"] is None:
        return False
    rows = version.rules.filter(classification=clean["classification"], document_type=clean["document_type"],
                                applies_to=clean["applies_to"])
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.exists()


def _draft_locked(version: RecordsPlanVersion) -> RecordsPlanVersion:
    version = RecordsPlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != RecordsPlanVersion.Status.DRAFT:
        raise DomainError(_("Version %(n)d av dokumenthanteringsplanen är antagen och ändras aldrig. Skapa ett nytt "
                            "utkast för att ändra planen.") % {"n": version.number})
    return version


def _changed(actor, version: RecordsPlanVersion, details: str) -> None:
    registry.event_append(case=None, organisation_id=version.organisation_id, kind=ArchiveEvent.RECORDS_PLAN_CHANGED,
                          actor=actor, data={"version": version.number, "details": details})


@transaction.atomic
def plan_draft_create(*, actor, organisation: Organisation, copy: bool = True, note: str = "") -> RecordsPlanVersion:
    """A new draft version of the organisation's records plan, with the rules
    of the version in force (`copy`), or none. One draft at a time."""
    access.require_keep_records(actor, organisation.pk)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    existing = selectors.draft(organisation_id=organisation.pk)
    if existing is not None:
        raise DomainError(_("Det finns redan ett utkast (version %(n)d). Arbeta vidare i det.")
                          % {"n": existing.number})
    note = (note or "").strip()
    errors_raise(length_errors({"note": (note, RULE_NOTE_MAX)}))
    source = selectors.version_in_force(organisation_id=organisation.pk) if copy else None
    number = (RecordsPlanVersion.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    version = RecordsPlanVersion.objects.create(
        organisation=organisation, number=number, copied_from=source, note=note, created_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    if source is not None:
        RetentionRule.objects.bulk_create([
            RetentionRule(version=version, **{name: getattr(rule, name) for name in RULE_FIELDS})
            for rule in source.rules.all()])
    details = (_("Version %(n)d, kopierad från version %(m)d.") % {"n": number, "m": source.number}
               if source is not None else _("Version %(n)d, utan regler.") % {"n": number})
    registry.event_append(case=None, organisation_id=organisation.pk, kind=ArchiveEvent.RECORDS_PLAN_DRAFTED,
                          actor=actor, at=now, data={"version": number, "details": details})
    return version


@transaction.atomic
def retention_rule_save(*, actor, version: RecordsPlanVersion, rule: RetentionRule | None = None,
                        **values) -> RetentionRule:
    """Add a rule to a draft (or change `rule`), refused with every error at once."""
    access.require_keep_records(actor, version.organisation_id)
    version = _draft_locked(version)
    if rule is not None and rule.version_id != version.pk:
        raise DomainError(_("Regeln hör till en annan version av planen."))
    clean, errors = rule_values_errors(values, organisation_id=version.organisation_id)
    if not errors and _duplicate(version, clean, exclude_pk=rule.pk if rule else None):
        errors["classification"] = [_("Det finns redan en regel för %(scope)s.") % {"scope": _scope_label(clean)}]
    errors_raise(errors, _("Regeln kunde inte sparas: %(error)s") % {"error": next(iter(errors.values()))[0]}
                 if errors else None)
    if rule is None:
        rule = RetentionRule(version=version)
    for name in RULE_FIELDS:
        setattr(rule, name, clean[name])
    rule.save()
    _changed(actor, version, _("Regel för %(scope)s: %(what)s.") % {
        "scope": retention.rule_scope_text(rule), "what": retention.rule_action_text(rule)})
    return rule


@transaction.atomic
def retention_rule_delete(*, actor, rule: RetentionRule) -> None:
    """Remove a rule from a draft."""
    access.require_keep_records(actor, rule.version.organisation_id)
    version = _draft_locked(rule.version)
    scope = retention.rule_scope_text(rule)
    rule.delete()
    _changed(actor, version, _("Regeln för %(scope)s togs bort.") % {"scope": scope})


def version_errors(version: RecordsPlanVersion) -> dict[str, list[str]]:
    """What is wrong with a version's rules, every problem at once: each
    rule's errors, named by the rule's scope, and duplicates."""
    errors: dict[str, list[str]] = {}
    seen: set[tuple] = set()
    rows = selectors.rules(version)
    if not rows:
        errors["rules"] = [_("Planen har inga regler.")]
    for rule in rows:
        values = {name: getattr(rule, name) for name in RULE_FIELDS}
        clean, rule_errors = rule_values_errors(values, organisation_id=version.organisation_id)
        scope = _scope_label(clean)
        key = (rule.classification_id, rule.document_type_id, rule.applies_to)
        if key in seen:
            rule_errors.setdefault("classification", []).append(_("Det finns redan en regel för denna process, "
                                                                   "handlingstyp och dessa handlingar."))
        seen.add(key)
        for messages in rule_errors.values():
            errors.setdefault("rules", []).extend(f"{scope}: {m}" for m in messages)
    return errors


@transaction.atomic
def plan_version_adopt(*, actor, version: RecordsPlanVersion, decision, effective_from: dt.date | None
                       ) -> RecordsPlanVersion:
    """Adopt a draft by a recorded decision (services.shared.decision_errors)
    from `effective_from`; the version adopted before it is superseded. Refused
    with every error at once: the draft's errors, the decision's, the day's."""
    access.require_keep_records(actor, version.organisation_id)
    version = _draft_locked(version)
    errors = version_errors(version)
    problems = decision_errors(decision, organisation_id=version.organisation_id)
    if problems:
        errors["decision"] = problems
    previous = (RecordsPlanVersion.objects.select_for_update()
                .filter(organisation_id=version.organisation_id, status=RecordsPlanVersion.Status.ADOPTED)
                .order_by("-number").first())
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = [_("Ange den dag planen börjar gälla (ÅÅÅÅ-MM-DD).")]
    elif previous is not None and previous.effective_from and effective_from < previous.effective_from:
        errors["effective_from"] = [_("Version %(n)d gäller från %(day)s. Den nya versionen kan börja gälla "
                                      "tidigast samma dag.") % {"n": previous.number,
                                                               "day": previous.effective_from.isoformat()}]
    errors_raise(errors, _("Planen kan inte antas: %(error)s") % {"error": next(iter(errors.values()))[0]}
                 if errors else None)
    now = timezone.now()
    text = retention.decision_text(decision)
    version.status = RecordsPlanVersion.Status.ADOPTED
    version.decision, version.decision_text, version.effective_from = decision, text, effective_from
    version.adopted_at, version.adopted_by = now, actor if getattr(actor, "is_authenticated", False) else None
    version.save(update_fields=["status", "decision", "decision_text", "effective_from", "adopted_at", "adopted_by"])
    if previous is not None:
        previous.status, previous.superseded_by, previous.superseded_at = (
            RecordsPlanVersion.Status.SUPERSEDED, version, now)
        previous.save(update_fields=["status", "superseded_by", "superseded_at"])
    details = _("Version %(n)d av dokumenthanteringsplanen antogs genom %(decision)s och gäller från %(day)s.") % {
        "n": version.number, "decision": text, "day": effective_from.isoformat()}
    if previous is not None:
        details += " " + _("Den ersätter version %(m)d.") % {"m": previous.number}
    registry.event_append(case=decision.case, kind=ArchiveEvent.RECORDS_PLAN_ADOPTED, actor=actor, at=now,
                          data={"version": version.number, "effective_from": effective_from.isoformat(),
                                "decision": text, "details": details})
    return version


# --- rules from a spreadsheet (CSV) --------------------------------------------------------------
CSV_COLUMNS = ("process", "handlingstyp", "gäller", "åtgärd", "år", "månader", "räknat från",
               "om beslut saknas", "bevarandeform", "lagrum", "anmärkning")
_APPLIES = {"": RetentionRule.AppliesTo.ALL, "alla": RetentionRule.AppliesTo.ALL,
            "sekretess": RetentionRule.AppliesTo.SECRET, "personuppgifter": RetentionRule.AppliesTo.PERSONAL_DATA}
_ACTIONS = {"bevara": RetentionRule.Action.KEEP, "gallra": RetentionRule.Action.DISPOSE}
_EVENTS = {"avslutat": CountedFrom.CASE_CLOSED, "beslut": CountedFrom.DECISION, "registrerad": CountedFrom.REGISTERED}
CSV_MAX_ROWS = 5000


@transaction.atomic
def retention_rules_import(*, actor, version: RecordsPlanVersion, text: str) -> int:
    """Add rules to a draft from CSV (a header row with CSV_COLUMNS, separated
    by semicolons or commas; "åtgärd" is bevara or gallra, "räknat från" is
    avslutat, beslut or registrerad, "gäller" alla, sekretess or
    personuppgifter). Every row is checked before any is added, and every
    error is reported at once, by row; returns the rules added."""
    access.require_keep_records(actor, version.organisation_id)
    version = _draft_locked(version)
    text = (text or "").lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else "a;b", delimiters=";,")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        fieldnames = reader.fieldnames or []
        rows = list(itertools.islice(reader, CSV_MAX_ROWS + 1))
    except csv.Error as exc:
        raise DomainError(_("Filen kunde inte läsas som CSV: %(error)s") % {"error": str(exc)[:200]},
                          field="file") from exc
    header = [(h or "").strip().casefold() for h in fieldnames]
    missing = [c for c in CSV_COLUMNS[:4] if c not in header]
    if missing:
        raise DomainError(_("Filen saknar kolumnerna %(columns)s. Första raden ska vara: %(header)s.")
                          % {"columns": ", ".join(missing), "header": ";".join(CSV_COLUMNS)}, field="file")
    classifications = {c.code.casefold(): c for c in Classification.objects.filter(
        organisation_id=version.organisation_id)}
    types = {t.name.casefold(): t for t in DocumentType.objects.filter(organisation_id=version.organisation_id)}
    errors: list[str] = []
    planned: list[dict] = []
    seen = {(r.classification_id, r.document_type_id, r.applies_to) for r in version.rules.all()}
    for n, raw in enumerate(rows, start=2):
        if n - 1 > CSV_MAX_ROWS:
            errors.append(_("Filen har fler än %(max)d rader.") % {"max": CSV_MAX_ROWS})
            break
        row = {(k or "").strip().casefold(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        row_errors: list[str] = []
        classification = classifications.get(row.get("process", "").casefold())
        if classification is None:
            row_errors.append(_("Processen %(code)s finns inte i klassificeringsstrukturen.")
                              % {"code": row.get("process", "")[:40] or "–"})
        document_type = None
        if row.get("handlingstyp"):
            document_type = types.get(row["handlingstyp"].casefold())
            if document_type is None:
                row_errors.append(_("Handlingstypen %(name)s finns inte.") % {"name": row["handlingstyp"][:100]})
        values = {
            "classification": classification, "document_type": document_type,
            "applies_to": _APPLIES.get(row.get("gäller", "").casefold(), row.get("gäller", "")),
            "action": _ACTIONS.get(row.get("åtgärd", "").casefold(), row.get("åtgärd", "")),
            "years": row.get("år", ""), "months": row.get("månader", ""),
            "counted_from": _EVENTS.get(row.get("räknat från", "").casefold(), row.get("räknat från", "")),
            "counted_from_fallback": _EVENTS.get(row.get("om beslut saknas", "").casefold(),
                                                 row.get("om beslut saknas", "")),
            "form": row.get("bevarandeform", ""), "legal_ground": row.get("lagrum", ""),
            "note": row.get("anmärkning", ""),
        }
        clean, rule_errors = rule_values_errors(values, organisation_id=version.organisation_id)
        if classification is None:
            rule_errors.pop("classification", None)
        row_errors += [m for messages in rule_errors.values() for m in messages]
        key = (classification.pk if classification else None, document_type.pk if document_type else None,
               clean["applies_to"])
        if classification is not None and key in seen:
            row_errors.append(_("Det finns redan en regel för %(scope)s.") % {"scope": _scope_label(clean)})
        seen.add(key)
        errors += [_("Rad %(n)d: %(error)s") % {"n": n, "error": m} for m in row_errors]
        planned.append(clean)
    if errors:
        raise DomainError(_("Reglerna kunde inte läsas in: %(error)s") % {"error": errors[0]},
                          errors={"file": errors})
    if not planned:
        raise DomainError(_("Filen innehåller inga regler."), field="file")
    RetentionRule.objects.bulk_create([RetentionRule(version=version, **clean) for clean in planned])
    _changed(actor, version, _("%(n)d regler lästes in från en fil.") % {"n": len(planned)})
    return len(planned)
