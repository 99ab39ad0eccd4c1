"""Reads of the archive app: the records plan in force and its versions, what
is due for disposal, disposal lists and records, legal holds. The callers
(views, the command) have checked the reader's right through access.py; a
document's register fields are taken in the form the public reads them
(registry.selectors.register_entry for an anonymous reader)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.decisions import selectors as decisions_selectors
from diarium.decisions.models import Decision, DelegationDecision
from diarium.registry import selectors as registry_selectors
from diarium.registry.disposal import disposed_documents_q, open_requests_q
from diarium.registry.models import Case, CopyRequest, Document, DocumentFile
from diarium.registry.selectors import classification as classification_selectors

from . import retention
from .models import (
    DisposalItem,
    DisposalList,
    DisposalRecord,
    LegalHold,
    RecordsPlanVersion,
    RetentionRule,
)

OPEN_LISTS = (DisposalList.Status.DRAWN_UP, DisposalList.Status.ADOPTED)


def today() -> dt.date:
    return timezone.localdate()


# --- the records plan -------------------------------------------------------------------------
def version_in_force(*, organisation_id: int, as_of: dt.date | None = None) -> RecordsPlanVersion | None:
    """The adopted version in force on `as_of` (today): the one that took
    effect last on or before that day (of two on one day, the later one)."""
    return (RecordsPlanVersion.objects.filter(
        organisation_id=organisation_id, status__in=[RecordsPlanVersion.Status.ADOPTED,
                                                     RecordsPlanVersion.Status.SUPERSEDED],
        effective_from__lte=as_of or today())
        .select_related("decision", "decision__organ", "decision__meeting", "decision__case")
        .order_by("-effective_from", "-number").first())


def versions(*, organisation_id: int) -> list[RecordsPlanVersion]:
    """Every version of the organisation's plan, newest first, with its rule count."""
    return list(RecordsPlanVersion.objects.filter(organisation_id=organisation_id)
                .annotate(rule_count=Count("rules")).order_by("-number"))


def draft(*, organisation_id: int) -> RecordsPlanVersion | None:
    return RecordsPlanVersion.objects.filter(organisation_id=organisation_id,
                                             status=RecordsPlanVersion.Status.DRAFT).first()


def rules(version: RecordsPlanVersion) -> list[RetentionRule]:
    return list(version.rules.select_related("classification", "document_type")
                .order_by("classification__code", "document_type__name", "applies_to", "id"))


def rule_of(version: RecordsPlanVersion, pk: int | None) -> RetentionRule | None:
    if pk is None:
        return None
    return version.rules.select_related("classification", "document_type").filter(pk=pk).first()


def decision_choices(*, organisation_id: int) -> list[Decision]:
    """The organisation's latest decisions, for the choice of the one that adopts."""
    return decisions_selectors.decisions_for_choice(organisation_id=organisation_id)


def delegation_decision_choices(*, organisation_id: int, limit: int = 200) -> list[DelegationDecision]:
    return list(DelegationDecision.objects.filter(organisation_id=organisation_id)
                .select_related("organ", "case").order_by("-decided_on", "-id")[:limit])


def decision_referenced(*, organisation_id: int, pk: int | None) -> Decision | None:
    """A decision named in a request, if it is the organisation's (the service checks the rest)."""
    if pk is None:
        return None
    return (Decision.objects.filter(organisation_id=organisation_id, pk=pk)
            .select_related("organ", "meeting", "case").first())


def delegation_decision_referenced(*, organisation_id: int, pk: int | None) -> DelegationDecision | None:
    if pk is None:
        return None
    return (DelegationDecision.objects.filter(organisation_id=organisation_id, pk=pk)
            .select_related("organ", "case").first())


def classification_choices(*, organisation_id: int):
    """The organisation's processes, which rules are set for (retention.is_process)."""
    return [c for c in registry_selectors.classifications(organisation=organisation_id) if retention.is_process(c)]


def document_type_choices(*, organisation_id: int):
    return registry_selectors.document_types_for(organisation_id)


# --- what is due --------------------------------------------------------------------------------
@dataclass
class DueItem:
    """A document due for disposal under the plan in force, as the public may
    read its register entry, with why it may be blocked."""

    document_id: int
    case_id: int
    diary_number: str
    number: int
    document_type: str
    description: str
    document_date: dt.date
    is_secret: bool
    personal_data: bool
    files: int
    bytes: int
    rule: RetentionRule
    rule_text: str
    due_on: dt.date
    held: bool = False  # a legal hold on the case
    requested: bool = False  # an open request for the document
    listed: bool = False  # on a disposal list not yet executed
    blocked_reasons: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return f"{self.diary_number}-{self.number}"

    @property
    def blocked(self) -> bool:
        return self.held or self.requested

    def as_dict(self) -> dict:
        return {"document": self.document_id, "reference": self.reference, "diary_number": self.diary_number,
                "number": self.number, "document_type": self.document_type, "description": self.description,
                "document_date": self.document_date.isoformat(), "secret": self.is_secret,
                "personal_data": self.personal_data, "files": self.files, "bytes": self.bytes,
                "rule": self.rule_text, "due_on": self.due_on.isoformat(), "legal_hold": self.held,
                "open_request": self.requested, "on_list": self.listed}


def _subquery_count(queryset, value) -> Coalesce:
    return Coalesce(Subquery(queryset.order_by().values("document_id").annotate(n=value).values("n")[:1],
                             output_field=IntegerField()), Value(0))


def _has_findings(prefix: str = "") -> Q:
    """Rows whose screened `privacy` holds findings of the masking assistant under `key`."""
    return Q(**{f"{prefix}__findings__isnull": False}) & ~Q(**{f"{prefix}__findings": []})


def _description_findings(document: Document) -> bool:
    return bool(((document.privacy or {}).get("description") or {}).get("findings"))


def due(*, organisation_id: int, as_of: dt.date | None = None, chunk_size: int = 500) -> Iterator[DueItem]:
    """What is due for disposal on `as_of` (today) under the plan in force then:
    documents of closed cases, not disposed of already, whose rule says
    dispose and whose period has run out, in the order their cases closed.
    Read as a stream (`iterator`, in chunks): a fixed number of queries (the
    plan, its rules, the documents with their files' count and size, the
    case's latest decision and what blocks them, as subqueries), whatever the
    number of documents or files."""
    as_of = as_of or today()
    version = version_in_force(organisation_id=organisation_id, as_of=as_of)
    if version is None:
        return
    book = retention.RuleBook(rules(version))
    processes = book.disposing_classifications()
    if not processes:
        return
    texts: dict[int, str] = {}
    files = DocumentFile.objects.filter(document_id=OuterRef("pk"))
    documents = (
        Document.objects.filter(case__organisation_id=organisation_id, case__status=Case.Status.CLOSED,
                                case__classification_id__in=sorted(processes))
        .exclude(disposed_documents_q())
        .select_related("case", "case__organ", "document_type")
        .annotate(
            decided_on=Subquery(Decision.objects.filter(case_id=OuterRef("case_id"))
                                .order_by("-meeting__date", "-paragraph").values("meeting__date")[:1]),
            file_count=_subquery_count(files, Count("pk")),
            byte_count=_subquery_count(files, Sum("blob__size")),
            personal_files=Exists(files.filter(_has_findings("privacy__text"))),
            held=Exists(LegalHold.objects.filter(case_id=OuterRef("case_id"), lifted_at__isnull=True)),
            requested=Exists(CopyRequest.objects.filter(open_requests_q(), document_id=OuterRef("pk"))),
            listed=Exists(DisposalItem.objects.filter(document_id=OuterRef("pk"),
                                                      disposal_list__status__in=OPEN_LISTS)),
        )
        .order_by("case__closed_at", "case_id", "number")
    )
    anonymous = AnonymousUser()
    for document in documents.iterator(chunk_size=chunk_size):
        case = document.case
        facts = retention.Facts(
            classification_id=case.classification_id, document_type_id=document.document_type_id,
            secret=document.is_secret, personal_data=document.personal_files or _description_findings(document),
            closed_on=timezone.localdate(case.closed_at) if case.closed_at else None,
            decided_on=document.decided_on, registered_on=timezone.localdate(document.registered_at))
        rule = book.rule_for(facts)
        if rule is None:
            continue
        due_day = retention.due_on(rule, facts)
        if due_day is None or due_day > as_of:
            continue
        if rule.pk not in texts:
            texts[rule.pk] = retention.rule_text(rule, version_number=version.number)
        entry = registry_selectors.register_entry(user=anonymous, document=document)
        item = DueItem(
            document_id=document.pk, case_id=case.pk, diary_number=case.diary_number, number=document.number,
            document_type=entry.document_type, description=entry.description_text,
            document_date=document.document_date, is_secret=document.is_secret, personal_data=facts.personal_data,
            files=document.file_count, bytes=document.byte_count, rule=rule, rule_text=texts[rule.pk],
            due_on=due_day, held=document.held, requested=document.requested, listed=document.listed)
        item.blocked_reasons = blocked_reasons(held=item.held, requested=item.requested)
        yield item


def blocked_reasons(*, held: bool = False, requested: bool = False, open_case: bool = False,
                    disposed: bool = False) -> list[str]:
    reasons = []
    if open_case:
        reasons.append(_("ärendet är inte avslutat"))
    if held:
        reasons.append(_("ärendet har en gallringsspärr"))
    if requested:
        reasons.append(_("det finns en begäran om utlämnande som inte är avgjord och expedierad"))
    if disposed:
        reasons.append(_("handlingen är redan gallrad"))
    return reasons


# --- disposal lists and records ------------------------------------------------------------------
def disposal_lists(*, organisation_id: int) -> list[DisposalList]:
    return list(DisposalList.objects.filter(organisation_id=organisation_id).select_related("plan_version")
                .annotate(item_count=Count("items")).order_by("-number"))


@dataclass
class ListItem:
    """A document on a disposal list, as the public reads its entry, with what blocks it now."""

    item: DisposalItem
    reference: str
    description: str
    document_type: str
    files: int
    bytes: int
    blocked_reasons: list[str]


def disposal_list_items(disposal_list: DisposalList) -> list[ListItem]:
    """The list's documents with what would block them now (a legal hold, an
    open request, a reopened case, already disposed of): one query."""
    files = DocumentFile.objects.filter(document_id=OuterRef("document_id"))
    rows = (DisposalItem.objects.filter(disposal_list=disposal_list)
            .select_related("document", "document__case", "document__document_type")
            .annotate(
                held=Exists(LegalHold.objects.filter(case_id=OuterRef("document__case_id"), lifted_at__isnull=True)),
                requested=Exists(CopyRequest.objects.filter(open_requests_q(), document_id=OuterRef("document_id"))),
                disposed=Exists(DisposalRecord.objects.filter(document_id=OuterRef("document_id"))),
                file_count=_subquery_count(files, Count("pk")),
                byte_count=_subquery_count(files, Sum("blob__size")))
            .order_by("document__case__diary_number", "document__number"))
    anonymous = AnonymousUser()
    out = []
    for item in rows:
        document = item.document
        entry = registry_selectors.register_entry(user=anonymous, document=document)
        reasons = blocked_reasons(held=item.held, requested=item.requested,
                                  open_case=document.case.status != Case.Status.CLOSED,
                                  disposed=item.disposed and disposal_list.status != DisposalList.Status.EXECUTED)
        out.append(ListItem(item=item, reference=document.reference, description=entry.description_text,
                            document_type=entry.document_type, files=item.file_count, bytes=item.byte_count,
                            blocked_reasons=reasons))
    return out


def disposal_records(*, organisation_id: int, disposal_list: DisposalList | None = None) -> QuerySet[DisposalRecord]:
    records = DisposalRecord.objects.filter(organisation_id=organisation_id).select_related("disposal_list")
    if disposal_list is not None:
        records = records.filter(disposal_list=disposal_list)
    return records.order_by("-executed_at", "diary_number", "document_number")


def disposal_list_by_number(*, organisation_id: int, number: int) -> DisposalList | None:
    return DisposalList.objects.filter(organisation_id=organisation_id, number=number).first()


# --- legal holds -------------------------------------------------------------------------------
def legal_holds(*, organisation_id: int) -> list[LegalHold]:
    """The organisation's legal holds, those in force first."""
    return list(LegalHold.objects.filter(organisation_id=organisation_id).select_related("case")
                .order_by(F("lifted_at").desc(nulls_first=True), "-placed_at", "-id"))


def case_referenced(*, organisation_id: int, text: str) -> Case | None:
    """The organisation's case a diary number names, however it is typed."""
    return registry_selectors.case_by_number(organisation_id=organisation_id, text=text)


def case_holds(case: Case) -> list[LegalHold]:
    return list(LegalHold.objects.filter(case=case).order_by("-placed_at"))


# --- the command line ------------------------------------------------------------------------------
def organisations(*, named: str | None = None) -> list:
    """Every organisation, or the one `named` by its short name (slug) or id
    (the registry's lookup for commands)."""
    from diarium.accounts.access import public_organisations

    if named is None:
        return list(public_organisations().order_by("name"))
    found = classification_selectors.organisation_named(named)
    return [found] if found is not None else []
