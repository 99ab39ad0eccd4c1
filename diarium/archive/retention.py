"""How a records plan's rules apply, as plain logic shared by the selectors
(what is due) and the services (validation, snapshots): periods, the rule
that applies to a document, the day it becomes due, and the texts kept of a
rule and of a decision.

Which rule applies to a document (the design of "secret and personal data are
treated by the rule"): a rule is set for a process (the case's class) and a
document type, or for the process as a whole (no type); and it applies to all
documents, or only to those marked secret, or only to those in which the
masking assistant found personal data (in the description or the files,
found whatever its review said). For a document, the rules of its own type
are read first, then the process's rules without a type; at each level a
rule for secret documents wins for a secret document, then one for documents
with personal data, then the rule for all. So a narrowed rule can make a
period shorter or longer than the general one for the same process and type.
A document that no rule reaches is kept (nothing is disposed of without a
rule that says so)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import CountedFrom, RetentionRule


def add_period(day: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """`day` plus whole years and months; the 31st in a shorter month is its last day."""
    total = day.year * 12 + (day.month - 1) + years * 12 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_text(years: int, months: int) -> str:
    """"2 år", "6 månader", "2 år och 6 månader"."""
    year_text = ngettext("%(n)d år", "%(n)d år", years) % {"n": years}
    month_text = ngettext("%(n)d månad", "%(n)d månader", months) % {"n": months}
    if years and months:
        return _("%(years)s och %(months)s") % {"years": year_text, "months": month_text}
    return month_text if months else year_text


def is_process(classification) -> bool:
    """Whether the class is a process, the level of the scheme a rule is set
    for (verksamhetsområde → processgrupp → process). A scheme without levels
    is all processes."""
    level = getattr(classification, "level", None)
    return level in (None, "") or str(level).casefold() == "process"


def classification_label(classification) -> str:
    return f"{classification.code} {classification.title}"


def rule_scope_text(rule: RetentionRule) -> str:
    """Which documents the rule is for: "1.2 Bygglov, Ansökan, sekretessmarkerade handlingar"."""
    parts = [classification_label(rule.classification),
             rule.document_type.name if rule.document_type_id else _("alla handlingstyper")]
    if rule.applies_to != RetentionRule.AppliesTo.ALL:
        parts.append(str(rule.get_applies_to_display()).lower())
    return ", ".join(parts)


def rule_action_text(rule: RetentionRule) -> str:
    """What the rule says: "Bevaras" or "Gallras 2 år efter att ärendet avslutades"."""
    if rule.action == RetentionRule.Action.KEEP:
        return _("Bevaras")
    text = _("Gallras %(period)s efter att %(event)s") % {
        "period": period_text(rule.years, rule.months), "event": CountedFrom(rule.counted_from).label}
    if rule.counted_from == CountedFrom.DECISION and rule.counted_from_fallback:
        text += _(" (utan beslut: efter att %(event)s)") % {"event": CountedFrom(rule.counted_from_fallback).label}
    return text


def rule_text(rule: RetentionRule, *, version_number: int | None = None) -> str:
    """The rule as it is kept on a disposal list, a disposal record and the
    history: scope, what it says, legal ground, the plan's version."""
    text = f"{rule_scope_text(rule)}: {rule_action_text(rule)}"
    if rule.legal_ground:
        text += _("; lagrum: %(ground)s") % {"ground": rule.legal_ground}
    if version_number is not None:
        text += _(" (dokumenthanteringsplan version %(n)d)") % {"n": version_number}
    return text


def decision_text(decision) -> str:
    """A decision as it is kept where it adopted something: organ, meeting
    date, § and the case's diary number."""
    text = _("%(organ)s %(day)s § %(paragraph)d") % {
        "organ": decision.organ.code, "day": decision.meeting.date.isoformat(), "paragraph": decision.paragraph}
    if decision.case_id:
        text += _(", ärende %(dnr)s") % {"dnr": decision.case.diary_number}
    return text


def delegation_decision_text(decision) -> str:
    """A delegation decision as it is kept: the delegating organ, the day, the
    point of the delegation order and the case's diary number."""
    return _("Delegationsbeslut %(organ)s %(day)s enligt punkt %(point)s, ärende %(dnr)s") % {
        "organ": decision.organ.code, "day": decision.decided_on.isoformat(), "point": decision.point,
        "dnr": decision.case.diary_number}


@dataclass(frozen=True)
class Facts:
    """What the rules ask of one document."""

    classification_id: int | None
    document_type_id: int | None
    secret: bool
    personal_data: bool
    closed_on: dt.date | None
    decided_on: dt.date | None
    registered_on: dt.date


class RuleBook:
    """A plan version's rules, indexed for the rule that applies to a document."""

    def __init__(self, rules: Iterable[RetentionRule]):
        self._rules: dict[tuple[int, int | None], dict[str, RetentionRule]] = {}
        for rule in rules:
            self._rules.setdefault((rule.classification_id, rule.document_type_id), {})[rule.applies_to] = rule

    def disposing_classifications(self) -> set[int]:
        """The processes some rule disposes of documents in."""
        return {key[0] for key, rules in self._rules.items()
                if any(r.action == RetentionRule.Action.DISPOSE for r in rules.values())}

    def rule_for(self, facts: Facts) -> RetentionRule | None:
        if facts.classification_id is None:
            return None
        levels = [facts.document_type_id, None] if facts.document_type_id is not None else [None]
        for level in levels:
            rules = self._rules.get((facts.classification_id, level))
            if not rules:
                continue
            if facts.secret and RetentionRule.AppliesTo.SECRET in rules:
                return rules[RetentionRule.AppliesTo.SECRET]
            if facts.personal_data and RetentionRule.AppliesTo.PERSONAL_DATA in rules:
                return rules[RetentionRule.AppliesTo.PERSONAL_DATA]
            if RetentionRule.AppliesTo.ALL in rules:
                return rules[RetentionRule.AppliesTo.ALL]
        return None


def counted_from_day(rule: RetentionRule, facts: Facts) -> dt.date | None:
    """The day the rule's period is counted from for the document; None when
    the event has not happened (an open case)."""
    days = {CountedFrom.CASE_CLOSED: facts.closed_on, CountedFrom.DECISION: facts.decided_on,
            CountedFrom.REGISTERED: facts.registered_on}
    day = days.get(rule.counted_from)
    if day is None and rule.counted_from == CountedFrom.DECISION and rule.counted_from_fallback:
        day = days.get(rule.counted_from_fallback)
    return day


def due_on(rule: RetentionRule, facts: Facts) -> dt.date | None:
    """The day a document may be disposed of under a disposing rule, or None."""
    if rule.action != RetentionRule.Action.DISPOSE:
        return None
    start = counted_from_day(rule, facts)
    if start is None:
        return None
    return add_period(start, years=rule.years, months=rule.months)
