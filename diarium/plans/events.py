"""The kinds of event the plans app writes to a case's history (registered with
the registry in PlansConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanEvent(models.TextChoices):
    PLAN_CHANGED = "plan_changed", _("Styrdokumentet ändrades")
    PLAN_ADOPTED = "plan_adopted", _("Styrdokumentet antogs")
    FOLLOW_UP_OPENED = "follow_up_opened", _("Uppföljning startade")
    FOLLOW_UP_ANSWERED = "follow_up_answered", _("Uppföljning besvarades")
