"""The members' own view: "Mina sammanträden" and one meeting as a member or
substitute reads it, with their private notes on its papers. Thin: reads
through selectors (rights in access.py), writes through services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from diarium.core.web import domain_errors, post_action
from diarium.registry import selectors as registry_selectors

from . import access, selectors, services


@login_required
@require_GET
def my_meetings(request):
    coming, held = selectors.my_meetings(user=request.user, today=timezone.localdate())
    return render(request, "decisions/my_meetings.html", {
        "coming": coming, "held": held, "to_sign": selectors.minutes_to_sign(user=request.user)})


@login_required
@domain_errors
@require_GET
def member_meeting(request, pk: int):
    view = selectors.member_meeting(user=request.user, pk=pk)
    return render(request, "decisions/member_meeting.html", {
        "view": view, "meeting": view.meeting, "notice_document": access.notice_document(view.meeting),
    })


@login_required
@domain_errors
@require_POST
def reading_note_save(request, pk: int, document_pk: int):
    meeting, _seat = access.member_meeting_get(user=request.user, pk=pk)

    def save():
        document = registry_selectors.document_for_write(pk=document_pk)
        note = services.reading_note_save(actor=request.user, meeting=meeting, document=document,
                                          text=request.POST.get("text", ""))
        return _("Din anteckning är sparad.") if note else _("Din anteckning är borttagen.")

    target = reverse("decisions:member_meeting", args=[meeting.pk]) + f"#handling-{document_pk}"
    return post_action(request, target, save)
