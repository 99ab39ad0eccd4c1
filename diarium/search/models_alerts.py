"""Saved searches and their e-mail alerts (imported into models.py).

A saved search belongs either to a user (saved from the search page when
signed in; alerts go to the account's address and the search runs with the
user's rights) or to an e-mail address alone (an anonymous "Bevaka
sökningen"; it runs as the public and counts only once the address has
confirmed it). SavedSearchSeen remembers, per saved search, the records
(search keys such as "document:12") it has already mailed, or found when it
was saved, so an alert never mails a record twice and a record that turns up
late (a document registered weeks after its date, a decision made public when
the minutes are adjusted) is still mailed once (see alerts.py).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["SavedSearch", "SavedSearchSeen"]


def new_token() -> str:
    return secrets.token_hex(16)


class SavedSearch(models.Model):
    """A search someone keeps, with or without a daily e-mail of new hits."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="saved_searches", verbose_name=_("ägare"))
    # Only for subscriptions without an account; an owner's mail goes to the account's address.
    email = models.EmailField(_("e-postadress"), max_length=254, blank=True)
    name = models.CharField(_("namn"), max_length=200)
    params = models.JSONField(_("sökning"), default=dict)  # q and filters, as in the search page's query string
    params_digest = models.CharField(max_length=64)  # of the canonical params: finds the same search again
    alerts = models.BooleanField(_("e-postbevakning"), default=False)
    # Random, in every signed link (confirm, unsubscribe): a link names exactly this row.
    token = models.CharField(max_length=32, unique=True, default=new_token)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)  # claimed by the daily run
    last_sent_at = models.DateTimeField(_("senast skickad"), null=True, blank=True)

    class Meta:
        verbose_name = _("sparad sökning")
        verbose_name_plural = _("sparade sökningar")
        constraints = [
            models.CheckConstraint(condition=Q(owner__isnull=False) | ~Q(email=""),
                                   name="search_savedsearch_owner_or_email"),
            # An address follows a search once (however it spells the address).
            models.UniqueConstraint(Lower("email"), "params_digest", condition=Q(owner__isnull=True),
                                    name="search_subscription_once"),
        ]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="search_saved_owner_idx"),
            models.Index(fields=["alerts", "confirmed_at"], name="search_saved_due_idx"),
        ]

    def __str__(self):
        return self.name


class SavedSearchSeen(models.Model):
    """A record a saved search has already mailed (or found when it was saved)."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="seen")
    key = models.CharField(max_length=60)  # SearchHit.key, e.g. "document:12"
    date = models.DateField(null=True)  # the record's date: rows older than the look-back are pruned
    seen_at = models.DateTimeField(default=timezone.now)
    mailed = models.BooleanField(default=False)  # False: already there when the search was saved

    class Meta:
        verbose_name = _("redan bevakad träff")
        verbose_name_plural = _("redan bevakade träffar")
        constraints = [models.UniqueConstraint(fields=["saved_search", "key"], name="search_seen_once")]

    def __str__(self):
        return f"{self.saved_search_id}:{self.key}"
