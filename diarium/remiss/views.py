"""Remiss pages. Thin: parse forms, call selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from diarium.accounts import selectors as accounts_selectors
from diarium.accounts.sites import require_on_site
from diarium.core import errors
from diarium.registry import selectors as registry_selectors
from diarium.registry.files import file_response
from diarium.core.web import domain_errors, post_action, post_action_asking, show_on_form
from diarium.registry.services import SECRECY_REVIEW_FIELD

from . import access, selectors, services
from .forms import (
    AnswerForm, AssessmentForm, ChangeFormSet, ExtendForm, RecipientChoiceForm, ReviseForm, RoundForm, RoundSendForm,
)
from .models import RemissRecipient, RemissRound


def _managed_round(request, pk: int) -> RemissRound:
    return access.round_manage_get(user=request.user, pk=pk)


@login_required
def overview(request):
    """Ongoing rounds the user runs and those their organs are to answer."""
    data = selectors.overview(user=request.user)
    return render(request, "remiss/overview.html", {"overview": data, "today": timezone.localdate()})


# --- prepare and send ----------------------------------------------------------------
@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def round_create(request, case_pk: int):
    case = registry_selectors.case_get(user=request.user, pk=case_pk)
    access.require_manage(request.user, case, _("Du har inte behörighet att skicka remisser i ärendet."))
    organs = [o for o in accounts_selectors.organ_list(organisation=case.organisation) if o.pk != case.organ_id]
    form = RoundForm(request.POST or None, organs=organs, files=selectors.consulted_files(case=case),
                     initial={"title": case.title})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.remiss_create(
                actor=request.user, case=case, title=data["title"], letter=data["letter"], deadline=data["deadline"],
                ordered_by=data["ordered_by"], recipients=form.recipients(), files=form.chosen_files(),
                dispatch_mode=data["dispatch_mode"], reminder_days_before=data["reminder_days_before"],
                grace_days=data["grace_days"], secrecy_review_reason=form.release_reason(),
            )
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Remissen är förberedd. Granska den och skicka den."))
            return redirect(round_)
    status = 400 if form.is_bound else 200
    return render(request, "remiss/round_form.html", {"form": form, "case": case}, status=status)


@domain_errors
def round_detail(request, pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    require_on_site(request, round_.case.organisation_id)
    view = selectors.round_view(user=request.user, round_=round_)
    context = {"view": view, "round": round_, "case": round_.case, "diff": None}
    if view.revised_file is not None:
        original = next((v for v in view.file_versions if v.document_id == view.revised_file.document_id
                         and v.position == view.revised_file.position), None)
        context["original_file"] = original
        context["diff"] = selectors.text_diff_rows(original, view.revised_file) if original else None
    if view.can_manage and round_.status == RemissRound.Status.SENT:
        open_recipients = [row.recipient for row in view.rows if row.status in ("sent", "reminded", "late")]
        context["remind_form"] = RecipientChoiceForm(recipients=open_recipients, auto_id="remind_%s")
    return render(request, "remiss/round_detail.html", context)


def _post_action(request, pk: int, action):
    """Run a POST-only action on a round and go back to it with its message."""
    round_ = _managed_round(request, pk)
    return post_action(request, round_, lambda: action(round_))


@login_required
@domain_errors
@require_POST
def round_send(request, pk: int):
    """Send the round. When a file came to need a secrecy review since the round
    was prepared, a page asks for the reason (and shows why) before anything goes."""
    round_ = _managed_round(request, pk)
    form = RoundSendForm(request.POST)

    def send():
        services.remiss_send(actor=request.user, round=round_, secrecy_review_reason=form.release_reason())
        return _("Remissen har skickats till %(n)s remissinstanser.") % {"n": round_.recipients.count()}

    response = post_action_asking(request, round_, send, form=form, field=SECRECY_REVIEW_FIELD)
    if response is not None:
        return response
    return render(request, "registry/secrecy_review_confirm.html", {
        "form": form, "case": round_.case, "back": round_.get_absolute_url(),
        "heading": _("Skicka remissen %(title)s") % {"title": round_.title}, "submit": _("Skicka remissen"),
    }, status=400)


@login_required
@domain_errors
@require_POST
def round_discard(request, pk: int):
    round_ = _managed_round(request, pk)
    case = round_.case
    try:
        services.remiss_discard(actor=request.user, round=round_)
    except errors.DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
        return redirect(round_)
    messages.success(request, _("Remissutkastet är borttaget."))
    return redirect(case)


@login_required
@domain_errors
@require_POST
def round_retry(request, pk: int):
    return _post_action(request, pk, lambda r: _("%(n)s utskick har lagts i kö igen.") % {
        "n": services.remiss_retry(actor=request.user, round=r)})


@login_required
@domain_errors
@require_POST
def round_remind(request, pk: int):
    def remind(round_):
        ids = [int(v) for v in request.POST.getlist("recipients") if v.isdigit()]
        n = services.remiss_remind(actor=request.user, round=round_, recipient_ids=ids or None)
        return _("Påminnelse skickas till %(n)s remissinstanser.") % {"n": n}

    return _post_action(request, pk, remind)


@login_required
@domain_errors
@require_POST
def round_close(request, pk: int):
    def close(round_):
        services.remiss_close(actor=request.user, round=round_)
        return _("Remissen är avslutad.")

    return _post_action(request, pk, close)


@login_required
@domain_errors
@require_POST
def recipient_link(request, pk: int, recipient_pk: int):
    """Revoke a recipient's answer link (action=revoke) or send a new one (action=renew)."""
    def change(round_):
        recipient = _recipient(round_, recipient_pk)
        if request.POST.get("action") == "renew":
            services.remiss_new_link(actor=request.user, recipient=recipient)
            return _("En ny svarslänk skickas till %(name)s.") % {"name": recipient.name}
        services.remiss_revoke_link(actor=request.user, recipient=recipient)
        return _("Svarslänken för %(name)s är spärrad.") % {"name": recipient.name}

    return _post_action(request, pk, change)


def _recipient(round_: RemissRound, recipient_pk: int) -> RemissRecipient:
    recipient = round_.recipients.select_related("round", "round__case", "organ").filter(pk=recipient_pk).first()
    if recipient is None:
        raise errors.NotFound(_("Remissinstansen finns inte."))
    return recipient


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def round_extend(request, pk: int):
    round_ = _managed_round(request, pk)
    open_recipients = list(round_.recipients.filter(answered_at__isnull=True))
    form = ExtendForm(request.POST or None, recipients=open_recipients)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.remiss_extend(
                actor=request.user, round=round_, deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"], decision_ref=form.cleaned_data["decision_ref"],
                recipient_ids=form.recipient_ids() or None,
            )
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Svarstiden är förlängd för %(n)s remissinstanser.") % {"n": n})
            return redirect(round_)
    status = 400 if form.is_bound else 200
    return render(request, "remiss/round_extend.html", {"form": form, "round": round_, "case": round_.case},
                  status=status)


# --- answers ----------------------------------------------------------------------------
def _answer_kwargs(form) -> dict:
    data = form.cleaned_data
    return {"files": data.get("files") or [], "text": data.get("text", ""), "decision_ref": data.get("decision_ref", ""),
            "declined": data.get("answer") == "decline"}


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def answer_inside(request, pk: int, recipient_pk: int):
    round_ = selectors.round_get(user=request.user, pk=pk)
    recipient = _recipient(round_, recipient_pk)
    access.require_answer_inside(request.user, recipient)
    form = AnswerForm(request.POST or None, request.FILES or None, inside=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.remiss_answer_inside(actor=request.user, recipient=recipient,
                                          received_on=form.cleaned_data.get("received_on"), **_answer_kwargs(form))
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Svaret från %(name)s är registrerat.") % {"name": recipient.name})
            return redirect(round_)
    status = 400 if form.is_bound else 200
    return render(request, "remiss/answer_inside.html", {
        "form": form, "round": round_, "case": round_.case, "recipient": recipient,
    }, status=status)


def _invalid_link(request, exc: services.LinkInvalid):
    return render(request, "remiss/answer_invalid.html", {"message": exc.message, "reason": exc.reason},
                  status=exc.status_code)


@never_cache  # the page is personal: no shared cache may keep it
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """The personal answer page: no account, the link is the key."""
    try:
        recipient = services.recipient_for_token(token)
    except services.LinkInvalid as exc:
        return _invalid_link(request, exc)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not recipient.has_answered and form.is_valid():
        try:
            recipient = services.remiss_answer_by_link(token=token, answered_by=form.cleaned_data["answered_by"],
                                                       **_answer_kwargs(form))
        except services.LinkInvalid as exc:
            return _invalid_link(request, exc)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            return redirect("remiss:answer", token=token)
    status = 400 if form.is_bound and not recipient.has_answered else 200
    return render(request, "remiss/answer.html", {
        "recipient": recipient, "round": recipient.round, "case": recipient.round.case, "form": form,
        "files": selectors.answer_page_files(recipient), "token": token,
        "valid_until": services.link_valid_until(recipient),
        "readable_until": services.link_readable_until(recipient),
        "late": timezone.localdate() > recipient.deadline,
    }, status=status)


@never_cache
def answer_file(request, token: str, file_pk: int):
    try:
        recipient = services.recipient_for_token(token)
    except services.LinkInvalid as exc:
        return _invalid_link(request, exc)
    try:
        version = selectors.answer_file(recipient, file_pk)
    except errors.NotFound as exc:
        return _invalid_link(request, services.LinkInvalid(exc.message, reason="forged"))
    return file_response(version.blob, version.filename)


# --- compile and revise ---------------------------------------------------------------
@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def round_compile(request, pk: int):
    """Assess each answer and draw up the compilation ("remissammanställning")."""
    round_ = _managed_round(request, pk)
    view = selectors.round_view(user=request.user, round_=round_)
    forms = [
        (row, AssessmentForm(request.POST or None, prefix=f"r{row.recipient.pk}", initial={
            "summary": row.recipient.summary, "consideration": row.recipient.consideration,
            "comment": row.recipient.consideration_comment,
        })) for row in view.rows
    ]
    if request.method == "POST":
        ok = all(form.is_valid() for _, form in forms)
        if ok:
            try:
                for row, form in forms:
                    if form.has_changed() or request.POST.get("draw_up"):
                        if form.has_changed():
                            services.remiss_assess(actor=request.user, recipient=row.recipient, **form.cleaned_data)
                if request.POST.get("draw_up"):
                    document = services.remiss_compile(actor=request.user, round=round_)
                    messages.success(request, _("Remissammanställningen är upprättad som %(ref)s.") % {
                        "ref": f"{round_.case.diary_number}-{document.number}"})
                    return redirect(round_)
            except errors.DomainError as exc:
                if exc.status_code != 400:
                    raise
                failed = next((form for row, form in forms if row.recipient.name in exc.message), forms[0][1])
                failed.add_domain_error(exc)
            else:
                messages.success(request, _("Bedömningarna är sparade."))
                return redirect("remiss:round_compile", pk=round_.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "remiss/round_compile.html", {
        "round": round_, "case": round_.case, "view": view, "forms": forms,
    }, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def round_revise(request, pk: int):
    round_ = _managed_round(request, pk)
    answered = list(round_.recipients.filter(answered_at__isnull=False, declined=False))
    consulted = list(round_.files.select_related("document"))
    form = ReviseForm(request.POST or None, request.FILES or None, consulted=consulted)
    changes = ChangeFormSet(request.POST or None, prefix="changes", form_kwargs={"answered": answered})
    if request.method == "POST" and form.is_valid() and changes.is_valid():
        try:
            services.remiss_revise(
                actor=request.user, round=round_, consulted=form.cleaned_data["consulted"],
                upload=form.cleaned_data["file"], note=form.cleaned_data["note"],
                changes=[services.ChangeInput(c["description"], [int(pk) for pk in c.get("recipients", [])])
                         for c in changes.cleaned_data if c],
            )
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Den reviderade versionen är registrerad."))
            return redirect(reverse("remiss:round_detail", args=[round_.pk]) + "#revidering")
    status = 400 if form.is_bound else 200
    return render(request, "remiss/round_revise.html", {
        "round": round_, "case": round_.case, "form": form, "changes": changes,
    }, status=status)
