"""The records plan (dokumenthanteringsplan) with its versions, legal holds
(gallringsspärrar), disposal lists (gallringsförteckningar) and the disposal
records (gallringsredovisning) that survive what they record. The rules are
in services/ (see services/disposal.py for how a rule applies to a document)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organisation
from diarium.decisions.models import Decision, DelegationDecision
from diarium.registry.models import Case, Classification, Document, DocumentType

RULE_FORM_MAX = 200
RULE_LEGAL_GROUND_MAX = 300
RULE_NOTE_MAX = 1000
HOLD_REASON_MAX = 1000
SNAPSHOT_MAX = 1000  # a rule's or a decision's text as kept on a list or a record
MAX_RETENTION_YEARS = 100  # longer than this is no retention period but a mistake: keep (bevara) instead


class CountedFrom(models.TextChoices):
    """The event a retention period is counted from."""

    CASE_CLOSED = "case_closed", _("ärendet avslutades")
    DECISION = "decision", _("beslut fattades i ärendet")
    REGISTERED = "registered", _("handlingen registrerades")


class RecordsPlanVersion(models.Model):
    """One version of an organisation's records plan. A draft is edited (or
    copied from the version in force); a version is adopted by a recorded
    decision (a § on the case that adopted it) with the day it takes effect,
    and the version it replaces is then superseded. Adopted versions are never
    edited, and every version is kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ADOPTED = "adopted", _("Antagen")
        SUPERSEDED = "superseded", _("Ersatt")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    copied_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("antagen genom beslut"))
    # The decision as it read when it adopted the version: organ, meeting date, § and the case's diary number.
    decision_text = models.CharField(max_length=SNAPSHOT_MAX, blank=True)
    effective_from = models.DateField(_("gäller från"), null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    superseded_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dokumenthanteringsplan")
        verbose_name_plural = _("dokumenthanteringsplaner")
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="records_plan_version_unique"),
            models.UniqueConstraint(fields=["organisation"], condition=Q(status="draft"),
                                    name="records_plan_one_draft"),
            models.CheckConstraint(condition=Q(status="draft") | (Q(decision__isnull=False)
                                                                  & Q(effective_from__isnull=False)),
                                   name="records_plan_adopted_by_decision"),
        ]

    def __str__(self):
        return f"{self.organisation_id}: v{self.number}"


class RetentionRule(models.Model):
    """A rule of a records plan: for a process (a class of the classification
    scheme) and a document type (none: every type, the case file as a whole),
    keep (bevara) or dispose (gallra) after a period counted from an event, in
    which form the record is kept and on which legal ground. A rule may be
    narrowed to documents marked secret or to documents where the masking
    assistant found personal data (services/disposal.py says which rule wins)."""

    class Action(models.TextChoices):
        KEEP = "keep", _("Bevara")
        DISPOSE = "dispose", _("Gallra")

    class AppliesTo(models.TextChoices):
        ALL = "all", _("Alla handlingar")
        SECRET = "secret", _("Sekretessmarkerade handlingar")
        PERSONAL_DATA = "personal_data", _("Handlingar med personuppgifter")

    version = models.ForeignKey(RecordsPlanVersion, on_delete=models.PROTECT, related_name="rules")
    classification = models.ForeignKey(Classification, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("process"))
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("handlingstyp"))
    applies_to = models.CharField(_("gäller"), max_length=16, choices=AppliesTo.choices, default=AppliesTo.ALL)
    action = models.CharField(_("bevara eller gallra"), max_length=10, choices=Action.choices)
    years = models.PositiveSmallIntegerField(_("år"), default=0)
    months = models.PositiveSmallIntegerField(_("månader"), default=0)
    counted_from = models.CharField(_("räknat från"), max_length=16, choices=CountedFrom.choices, blank=True)
    # Counted from a decision: the event counted from in a case without one.
    counted_from_fallback = models.CharField(_("om beslut saknas, räknat från"), max_length=16,
                                             choices=CountedFrom.choices, blank=True)
    form = models.CharField(_("bevarandeform"), max_length=RULE_FORM_MAX, blank=True)
    legal_ground = models.CharField(_("lagrum eller föreskrift"), max_length=RULE_LEGAL_GROUND_MAX, blank=True)
    note = models.TextField(_("anmärkning"), blank=True)

    class Meta:
        verbose_name = _("regel i dokumenthanteringsplanen")
        verbose_name_plural = _("regler i dokumenthanteringsplanen")
        ordering = ["version", "classification__code", "document_type__name", "applies_to", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "classification", "document_type", "applies_to"],
                                    name="retention_rule_unique"),
            models.UniqueConstraint(fields=["version", "classification", "applies_to"],
                                    condition=Q(document_type__isnull=True), name="retention_rule_unique_all_types"),
        ]

    def __str__(self):
        return f"{self.classification_id}/{self.document_type_id or '*'}/{self.applies_to}: {self.action}"


class LegalHold(models.Model):
    """A legal hold (gallringsspärr) on a case: nothing of it is disposed of
    while the hold stands, whatever the plan says. Placed and lifted with who,
    when and why; never removed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(_("skäl"), max_length=HOLD_REASON_MAX)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    placed_by_name = models.CharField(max_length=200, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    lifted_by_name = models.CharField(max_length=200, blank=True)
    lift_reason = models.CharField(_("skäl att ta bort spärren"), max_length=HOLD_REASON_MAX, blank=True)

    class Meta:
        verbose_name = _("gallringsspärr")
        verbose_name_plural = _("gallringsspärrar")
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["case"], condition=Q(lifted_at__isnull=True), name="legal_hold_active")]

    def __str__(self):
        return f"{self.case_id}: {self.placed_at:%Y-%m-%d}"


class DisposalList(models.Model):
    """A disposal list (gallringsförteckning): what was due under the plan in
    force, drawn up, adopted by a recorded decision (a § of the organisation,
    or a delegation decision), then executed. A list no one adopted may be
    cancelled; an adopted or executed one is kept as it is."""

    class Status(models.TextChoices):
        DRAWN_UP = "drawn_up", _("Upprättad")
        ADOPTED = "adopted", _("Beslutad")
        EXECUTED = "executed", _("Verkställd")
        CANCELLED = "cancelled", _("Makulerad")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("nummer"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAWN_UP)
    plan_version = models.ForeignKey(RecordsPlanVersion, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("gallringsbart per"))
    drawn_up_at = models.DateTimeField()
    drawn_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    delegation_decision = models.ForeignKey(DelegationDecision, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+")
    decision_text = models.CharField(max_length=SNAPSHOT_MAX, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    executed_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gallringsförteckning")
        verbose_name_plural = _("gallringsförteckningar")
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="disposal_list_number_unique"),
            # Nothing is adopted or executed without a decision.
            models.CheckConstraint(
                condition=Q(status__in=["drawn_up", "cancelled"])
                | Q(decision__isnull=False, delegation_decision__isnull=True)
                | Q(decision__isnull=True, delegation_decision__isnull=False),
                name="disposal_list_adopted_by_decision"),
        ]

    def __str__(self):
        return f"{self.organisation_id}: {self.number}"


class DisposalItem(models.Model):
    """A document on a disposal list, with the rule it is due under (as the
    rule read when the list was drawn up) and the day it became due."""

    disposal_list = models.ForeignKey(DisposalList, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    rule_text = models.CharField(max_length=SNAPSHOT_MAX)
    due_on = models.DateField()

    class Meta:
        ordering = ["disposal_list", "id"]
        constraints = [models.UniqueConstraint(fields=["disposal_list", "document"], name="disposal_item_once")]


class DisposalRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Disposal records are never changed")

    def delete(self):
        raise TypeError("Disposal records are never deleted")


class DisposalRecord(models.Model):
    """What was disposed of (gallringsredovisning), one row per document: its
    register entry as the public may read it, how many files and bytes, under
    which rule (its text, the plan's version) and by which decision (its text).
    Written once when a list is executed; never changed or deleted. It holds
    nothing the public may not read: no secret field, no personal data the
    masking assistant withholds."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    disposal_list = models.ForeignKey(DisposalList, on_delete=models.PROTECT, related_name="records")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    diary_number = models.CharField(max_length=60)
    document_number = models.PositiveIntegerField()
    document_type = models.CharField(max_length=100, blank=True)
    document_date = models.DateField()
    description = models.CharField(max_length=500, blank=True)  # as the public reads it
    is_secret = models.BooleanField(default=False)
    files = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    rule_text = models.CharField(max_length=SNAPSHOT_MAX)
    plan_version = models.PositiveIntegerField()
    decision_text = models.CharField(max_length=SNAPSHOT_MAX)
    executed_at = models.DateTimeField()
    executed_by_name = models.CharField(max_length=200, blank=True)

    objects = DisposalRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("gallringsredovisning")
        verbose_name_plural = _("gallringsredovisningar")
        ordering = ["-executed_at", "diary_number", "document_number"]
        indexes = [models.Index(fields=["organisation", "-executed_at"], name="disposal_record_organisation")]

    def __str__(self):
        return f"{self.diary_number}-{self.document_number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Disposal records are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Disposal records are never deleted")
