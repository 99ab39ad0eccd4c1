"""The records plan in the present (issue 22): the executive board's
dokumenthanteringsplan with its rules (seed/records.toml), adopted by the §
of the meeting held a week ago on a case of its own (seed/present.toml), in
force from the day after the minutes were adjusted; a legal hold on a
historic case; and a disposal list drawn up from what is due today, which
waits for the decision that adopts it. Written through the archive services
once the present-day meetings exist (loader.py), at the time the demo is
loaded: the services record what the registrar does now."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping

from django.utils import timezone

from diarium.accounts.models import Organisation, User
from diarium.archive import selectors as archive_selectors
from diarium.archive import services as archive
from diarium.decisions.models import Decision, Minutes
from diarium.registry import selectors as registry_selectors

from .specs import seed_file

RULE_DEFAULTS = {"applies_to": "all", "years": 0, "months": 0, "counted_from": "", "counted_from_fallback": "",
                 "form": "", "legal_ground": "", "note": ""}


def records_load(*, organisation: Organisation, registrar: User, decisions: Mapping[str, Decision]) -> None:
    """`decisions`: the present-day decisions by the key of their case (present.present_load)."""
    data = tomllib.loads(seed_file("records.toml"))
    _plan(data["plan"], data["rules"], organisation=organisation, registrar=registrar,
          decision=decisions[data["plan"]["decision"]])
    hold = data["hold"]
    case = archive_selectors.case_referenced(organisation_id=organisation.pk, text=hold["case"])
    if case is None:
        raise RuntimeError(f"Demo records plan: the legal hold names {hold['case']!r}, which the demo has no case of")
    archive.legal_hold_place(actor=registrar, case=case, reason=hold["reason"])
    archive.disposal_list_draw_up(actor=registrar, organisation=organisation)


def _plan(plan: dict, rules: list[dict], *, organisation, registrar, decision: Decision) -> None:
    processes = {c.code: c for c in registry_selectors.classifications(organisation=organisation)}
    types = {t.name: t for t in registry_selectors.document_types_for(organisation.pk)}
    draft = archive.plan_draft_create(actor=registrar, organisation=organisation, copy=False, note=plan["note"])
    for rule in rules:
        values = {**RULE_DEFAULTS, **{k: v for k, v in rule.items() if k not in ("process", "document_type")}}
        try:
            process = processes[rule["process"]]
            document_type = types[rule["document_type"]] if rule.get("document_type") else None
        except KeyError as exc:
            raise RuntimeError(f"Demo records plan: a rule names {exc.args[0]!r}, which the demo does not have "
                               "(organisation.toml)") from None
        archive.retention_rule_save(actor=registrar, version=draft, classification=process,
                                    document_type=document_type, **values)
    # The decision says the plan applies from the day after the minutes were adjusted.
    adjusted = timezone.localdate(Minutes.objects.get(meeting_id=decision.meeting_id).adjusted_at)
    archive.plan_version_adopt(actor=registrar, version=draft, decision=decision,
                               effective_from=adjusted + dt.timedelta(days=plan["effective_days"]))
