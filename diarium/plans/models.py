"""Steering documents (vision, strategy, programme, plan, policy, guideline),
their structure (focus areas, goals, indicators, actions with budgets), adopted
versions, and the follow-up rounds that measure them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organ, Organisation, Person
from diarium.core.limits import text_limit
from diarium.registry.models import Case, Document

# Limits of the free-text fields, used by the models, the forms and the API (core.limits).
DESCRIPTION_MAX = 20_000  # a plan's, a focus area's, a goal's and an action's description
INTERNAL_NOTE_MAX = 10_000
COMMENT_MAX = 10_000  # a comment in a follow-up answer


class SteeringDocument(models.Model):
    class Kind(models.TextChoices):
        VISION = "vision", _("Målbild")
        STRATEGY = "strategy", _("Strategi")
        PROGRAMME = "programme", _("Program")
        PLAN = "plan", _("Plan")
        ACTION_PLAN = "action_plan", _("Handlingsplan")
        POLICY = "policy", _("Policy")
        GUIDELINE = "guideline", _("Riktlinje")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        ON_REMISS = "on_remiss", _("På remiss")
        ADOPTED = "adopted", _("Antagen")
        REPLACED = "replaced", _("Ersatt")
        REPEALED = "repealed", _("Upphävd")

    class Weighting(models.TextChoices):
        BUDGET = "budget", _("Vägt efter budget")
        WEIGHTS = "weights", _("Vägt med angivna vikter")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steering_documents")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("namn"), max_length=300)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("hör till"))
    period_start = models.PositiveIntegerField(_("gäller från år"))
    period_end = models.PositiveIntegerField(_("gäller till och med år"))
    owner_organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="+", verbose_name=_("ägare"))
    process_owner = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("processägare"))
    process_owner_role = models.CharField(_("processägarens roll"), max_length=200, blank=True)
    adopted_by = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("antagen genom"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    weighting = models.CharField(_("sammanvägning"), max_length=10, choices=Weighting.choices,
                                 default=Weighting.BUDGET)
    follow_up_months = models.PositiveSmallIntegerField(_("uppföljning var … månad"), default=12)
    description = models.TextField(_("beskrivning"), blank=True, validators=text_limit(DESCRIPTION_MAX))
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("styrdokument")
        verbose_name_plural = _("styrdokument")
        ordering = ["-period_start", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start, self.period_end + 1))


class PlanVersion(models.Model):
    """An adopted version: the whole structure frozen as JSON. Never changed."""

    document = models.ForeignKey(SteeringDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    adopted_at = models.DateTimeField()
    adopted_by_decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="plan_version_unique")]


class FocusArea(models.Model):
    document = models.ForeignKey(SteeringDocument, on_delete=models.CASCADE, related_name="focus_areas")
    position = models.PositiveIntegerField()
    title = models.CharField(_("målområde"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True, validators=text_limit(DESCRIPTION_MAX))

    class Meta:
        ordering = ["document", "position", "id"]

    def __str__(self):
        return self.title


class Goal(models.Model):
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveIntegerField()
    title = models.CharField(_("mål"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True, validators=text_limit(DESCRIPTION_MAX))

    class Meta:
        ordering = ["focus_area", "position", "id"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField()
    name = models.CharField(_("indikator"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=40)
    baseline = models.DecimalField(_("utgångsvärde"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveIntegerField(_("utgångsår"), null=True, blank=True)
    targets = models.JSONField(_("målvärden per år"), default=dict, blank=True)  # {"2019": "40"}

    class Meta:
        ordering = ["goal", "position", "id"]

    def __str__(self):
        return self.name


class Action(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveIntegerField()
    title = models.CharField(_("aktivitet"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True, validators=text_limit(DESCRIPTION_MAX))
    responsible_organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                          verbose_name=_("ansvarigt organ"))
    responsible_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("ansvarig"))
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("klar"), null=True, blank=True)
    funding_source = models.CharField(_("finansiering"), max_length=200, blank=True)
    weight = models.DecimalField(_("vikt"), max_digits=8, decimal_places=2, null=True, blank=True)
    internal_note = models.TextField(_("intern anteckning"), blank=True, validators=text_limit(INTERNAL_NOTE_MAX),
                                     help_text=_("Visas aldrig för allmänheten."))

    class Meta:
        ordering = ["goal", "position", "id"]

    def __str__(self):
        return self.title


class ActionBudget(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveIntegerField()
    operating = models.DecimalField(_("drift"), max_digits=14, decimal_places=2, default=Decimal("0"))
    investment = models.DecimalField(_("investering"), max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["action", "year"]
        constraints = [models.UniqueConstraint(fields=["action", "year"], name="action_budget_year_unique")]


class FollowUpRound(models.Model):
    """An "uppföljning": asks each responsible person about their actions."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Årlig")
        AD_HOC = "ad_hoc", _("Vid behov")

    class Status(models.TextChoices):
        OPEN = "open", _("Pågår")
        CLOSED = "closed", _("Avslutad")

    document = models.ForeignKey(SteeringDocument, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.YEARLY)
    year = models.PositiveIntegerField(_("år"))
    title = models.CharField(_("rubrik"), max_length=300)
    deadline = models.DateField(_("svara senast"))
    reminder_days_before = models.PositiveSmallIntegerField(default=7)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    report_document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["document", "year", "created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("plans:follow_up_detail", args=[self.pk])


class FollowUpRequest(models.Model):
    """One responsible person's part of a round: the actions they report on."""

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="requests")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=500, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "person__name"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="follow_up_request_unique")]


class ActionReport(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Ej påbörjad")
        ONGOING = "ongoing", _("Pågår")
        DONE = "done", _("Klar")
        POSTPONED = "postponed", _("Uppskjuten")
        CANCELLED = "cancelled", _("Avbruten")

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="action_reports")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(_("färdigt, procent"))
    used_operating = models.DecimalField(_("använt, drift"), max_digits=14, decimal_places=2, default=Decimal("0"))
    used_investment = models.DecimalField(_("använt, investering"), max_digits=14, decimal_places=2,
                                          default=Decimal("0"))
    comment = models.TextField(_("kommentar"), blank=True, validators=text_limit(COMMENT_MAX))
    comment_internal = models.BooleanField(_("kommentaren är intern"), default=False)
    answered_at = models.DateTimeField()
    answered_by_name = models.CharField(max_length=200, blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "action"]
        constraints = [models.UniqueConstraint(fields=["round", "action"], name="action_report_unique")]


class IndicatorValue(models.Model):
    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    answered_at = models.DateTimeField()
    answered_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["round", "indicator"]
        constraints = [models.UniqueConstraint(fields=["round", "indicator"], name="indicator_value_unique")]
