"""The digital adjustment of the minutes: the secretary draws them up for
adjustment, and the chair and the adjusters read and sign them (or comment)
with their own logins. Thin: rights in access.py, reads in selectors, writes
in services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diarium.core import errors
from diarium.core.web import domain_errors, post_action

from . import access, selectors, services


@login_required
@domain_errors
@require_POST
def minutes_prepare(request, pk: int):
    meeting = access.meeting_manage_get(user=request.user, pk=pk)

    def prepare():
        minutes = services.minutes_prepare(actor=request.user, meeting=meeting)
        return _("Protokollet är upprättat för justering (version %(n)s). Ordföranden och justerarna läser och "
                 "signerar det under Mina sammanträden.") % {"n": minutes.draft_version}

    return post_action(request, reverse("decisions:minutes", args=[meeting.pk]) + "#justering", prepare)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def minutes_signing(request, pk: int):
    """A signer reads the minutes drawn up for adjustment and signs or comments."""
    view = selectors.signing(user=request.user, pk=pk)
    if request.method == "POST":
        meeting = view.meeting

        def sign():
            minutes = services.minutes_approve(actor=request.user, meeting=meeting)
            if minutes.adjusted:
                return _("Du har signerat. Protokollet är justerat och anslås %(posted)s.") % {
                    "posted": minutes.posted_on.isoformat()}
            return _("Du har signerat protokollet.")

        def comment():
            services.minutes_comment(actor=request.user, meeting=meeting, text=request.POST.get("text", ""))
            return _("Din synpunkt är skickad till sekreteraren.")

        actions = {"sign": sign, "comment": comment}
        if request.POST.get("action") not in actions:
            raise errors.DomainError(_("Okänd åtgärd."))
        return post_action(request, reverse("decisions:minutes_signing", args=[meeting.pk]),
                           actions[request.POST["action"]])
    return render(request, "decisions/minutes_signing.html", {
        "view": view, "meeting": view.meeting,
        "draft_document": access.minutes_draft_document(request.user, view.minutes),
        "minutes_document": access.minutes_document(view.minutes),
    })
