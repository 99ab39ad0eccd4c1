"""The organisation administrator's screens for the organisation itself: its
settings and public site, organs, users and roles, identity providers and
group-role mappings. Thin: the rules and the history are in
diarium.accounts.services, the reads in diarium.accounts.selectors; the
organisation comes from views.organisation_for (404 unless the user administers it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diarium.accounts import selectors, services, sites
from diarium.core.errors import DomainError
from diarium.core.lookups import referenced
from diarium.core.web import STATE_ERROR_STATUSES, domain_errors, post_action, posted_id, show_on_form

from . import forms_accounts as forms
from .views import organisation_for

GET_POST = require_http_methods(["GET", "POST"])


def _screen(view):
    """Every screen: signed in, GET and POST only, DomainErrors as pages."""
    return login_required(GET_POST(domain_errors(view)))


def _action(view):
    return login_required(require_POST(domain_errors(view)))


def _submitted(request, form, action, success: str, target):
    """Run `action(cleaned_data)` for a valid form: on success the message and the
    redirect, on refused input the errors on the form (None: show it again)."""
    if not form.is_valid():
        return None
    try:
        action(form.cleaned_data)
    except DomainError as exc:
        show_on_form(form, exc)
        return None
    messages.success(request, success)
    return redirect(target)


def _post(request, target: str, action):
    """A confirmed POST action: its success message, or why it was refused (input
    refused or the data's state, such as an organ still in use), back on `target`.
    Denials and missing objects become pages."""
    return post_action(request, target, action, statuses=STATE_ERROR_STATUSES)


def _redirect_url(name: str, organisation, **kwargs) -> str:
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


def _page(request, template, context, form=None):
    return render(request, template, context, status=400 if form is not None and form.errors else 200)


def _organ(organisation, value, field="organ"):
    """The organ chosen in a select: one of the organisation's, or None for "all"."""
    pk = posted_id(value)
    if pk is None:
        return None
    return referenced(lambda: selectors.organ_of(organisation=organisation, pk=pk), field)


# --- settings and public site ------------------------------------------------------------------
@_screen
def settings_edit(request, org: str):
    organisation = organisation_for(request, org)
    fields = services.ORGANISATION_SETTINGS_FIELDS
    has_logo = bool(organisation.logo)
    if request.method == "POST":
        form = forms.SettingsForm(request.POST, request.FILES, has_logo=has_logo)
        response = _submitted(
            request, form,
            lambda data: services.organisation_settings_update(
                actor=request.user, organisation=organisation, logo=data.get("logo"),
                logo_remove=bool(data.get("logo_remove")), **{name: data[name] for name in fields}),
            _("Inställningarna har sparats."), _redirect_url("administration:settings", organisation))
        if response is not None:
            return response
    else:
        form = forms.SettingsForm(initial={name: getattr(organisation, name) for name in fields},
                                  has_logo=has_logo)
    return _page(request, "administration/accounts/settings.html", {
        "organisation": organisation, "form": form,
        "contrast": f"{sites.contrast_with_white(organisation.brand_colour):.2f}".replace(".", ",")
        if services.COLOUR.match(organisation.brand_colour or "") else None,
    }, form)


# --- organs ----------------------------------------------------------------------------------------
@_screen
def organ_list(request, org: str):
    organisation = organisation_for(request, org)
    return render(request, "administration/accounts/organ_list.html", {
        "organisation": organisation, "organs": selectors.organs_of(organisation=organisation).select_related("parent"),
    })


def _organ_values(organisation, data) -> dict:
    return {"name": data["name"], "code": data["code"], "kind": data["kind"], "email": data["email"],
            "active": data["active"], "parent": _organ(organisation, data["parent"], "parent")}


@_screen
def organ_add(request, org: str):
    organisation = organisation_for(request, org)
    organs = selectors.organs_of(organisation=organisation)
    form = forms.OrganForm(request.POST or None, organs=organs)
    if request.method == "POST":
        response = _submitted(
            request, form,
            lambda data: services.organ_add(actor=request.user, organisation=organisation,
                                            **_organ_values(organisation, data)),
            _("Organet har lagts till."), _redirect_url("administration:organ_list", organisation))
        if response is not None:
            return response
    return _page(request, "administration/accounts/organ_form.html",
                 {"organisation": organisation, "form": form, "organ": None}, form)


@_screen
def organ_edit(request, org: str, pk: int):
    organisation = organisation_for(request, org)
    organ = selectors.organ_of(organisation=organisation, pk=pk)
    organs = selectors.organs_of(organisation=organisation).exclude(pk=organ.pk)
    if request.method == "POST":
        form = forms.OrganForm(request.POST, organs=organs)
        response = _submitted(
            request, form,
            lambda data: services.organ_update(actor=request.user, organ=organ, **_organ_values(organisation, data)),
            _("Organet har ändrats."), _redirect_url("administration:organ_list", organisation))
        if response is not None:
            return response
    else:
        form = forms.OrganForm(initial={"name": organ.name, "code": organ.code, "kind": organ.kind,
                                        "parent": organ.parent_id or "", "email": organ.email,
                                        "active": organ.active}, organs=organs)
    return _page(request, "administration/accounts/organ_form.html",
                 {"organisation": organisation, "form": form, "organ": organ}, form)


@_screen
def organ_delete(request, org: str, pk: int):
    organisation = organisation_for(request, org)
    organ = selectors.organ_of(organisation=organisation, pk=pk)
    if request.method == "POST":
        name = str(organ)
        return _post(request, _redirect_url("administration:organ_list", organisation),
                           lambda: (services.organ_delete(actor=request.user, organ=organ),
                                    _("Organet %(organ)s har tagits bort.") % {"organ": name})[1])
    return render(request, "administration/accounts/confirm.html", {
        "organisation": organisation, "title": _("Ta bort organet %(organ)s?") % {"organ": organ},
        "text": _("Ett organ som används av ärenden, personer, roller, serier eller sammanträden kan inte tas bort; "
                  "markera det som inaktivt i stället."),
        "button": _("Ta bort"), "cancel": _redirect_url("administration:organ_list", organisation),
    })


# --- users and roles -------------------------------------------------------------------------------
@_screen
def user_list(request, org: str):
    organisation = organisation_for(request, org)
    return render(request, "administration/accounts/user_list.html", {
        "organisation": organisation, "members": selectors.organisation_members(organisation=organisation),
    })


@_screen
def user_add(request, org: str):
    organisation = organisation_for(request, org)
    organs = selectors.organs_of(organisation=organisation)
    form = forms.UserAddForm(request.POST or None, organs=organs)
    if request.method == "POST":
        response = _submitted(
            request, form,
            lambda data: services.organisation_user_add(
                actor=request.user, organisation=organisation, username=data["username"],
                password=data["password"], first_name=data["first_name"], last_name=data["last_name"],
                email=data["email"], role=data["role"], organ=_organ(organisation, data["organ"])),
            _("Användaren har lagts till."), _redirect_url("administration:user_list", organisation))
        if response is not None:
            return response
    return _page(request, "administration/accounts/user_add.html", {"organisation": organisation, "form": form},
                 form)


@_screen
def user_detail(request, org: str, pk: int):
    """One user's roles in the organisation, with the form that gives another."""
    organisation = organisation_for(request, org)
    member = selectors.organisation_member(organisation=organisation, pk=pk)
    organs = selectors.organs_of(organisation=organisation)
    form = forms.RoleForm(request.POST or None, organs=organs)
    if request.method == "POST":
        response = _submitted(
            request, form,
            lambda data: services.organisation_role_grant(
                actor=request.user, organisation=organisation, user=member.user, role=data["role"],
                organ=_organ(organisation, data["organ"])),
            _("Rollen har getts."), _redirect_url("administration:user_detail", organisation, pk=member.id))
        if response is not None:
            return response
    return _page(request, "administration/accounts/user_detail.html",
                 {"organisation": organisation, "member": member, "form": form}, form)


@_screen
def role_revoke(request, org: str, pk: int, role_pk: int):
    organisation = organisation_for(request, org)
    user = selectors.organisation_user_of(organisation=organisation, pk=pk)
    assignment = selectors.role_assignment_of(organisation=organisation, user=user, pk=role_pk)
    back = _redirect_url("administration:user_detail", organisation, pk=user.pk)
    if request.method == "POST":
        return _post(request, back, lambda: (
            services.organisation_role_revoke(actor=request.user, organisation=organisation, assignment=assignment),
            _("Rollen har tagits bort."))[1])
    scope = assignment.organ.code if assignment.organ_id else _("hela organisationen")
    return render(request, "administration/accounts/confirm.html", {
        "organisation": organisation,
        "title": _("Ta bort rollen %(role)s (%(scope)s) från %(user)s?") % {
            "role": assignment.get_role_display(), "scope": scope, "user": user.get_username()},
        "text": _("Användaren förlorar behörigheten direkt. Roller i andra organisationer påverkas inte."),
        "button": _("Ta bort rollen"), "cancel": back,
    })


USER_ACTIONS = ("deactivate", "reactivate", "remove_roles", "emergency_on", "emergency_off")


@_screen
def user_status(request, org: str, pk: int):
    """Deactivate or reactivate a user, take all their roles here, or mark them as
    an emergency account: asked for on a page of its own, done by POST."""
    organisation = organisation_for(request, org)
    member = selectors.organisation_member(organisation=organisation, pk=pk)
    user = member.user
    action = request.POST.get("action") if request.method == "POST" else request.GET.get("action")
    if action not in USER_ACTIONS:
        return redirect("administration:user_detail", org=organisation.slug, pk=user.pk)
    back = _redirect_url("administration:user_detail", organisation, pk=user.pk)
    name = user.get_username()
    if request.method == "POST":
        def run():
            if action in ("deactivate", "reactivate"):
                services.organisation_user_set_active(actor=request.user, organisation=organisation, user=user,
                                                      active=action == "reactivate")
                return (_("%(user)s har aktiverats igen.") if action == "reactivate"
                        else _("%(user)s har inaktiverats.")) % {"user": name}
            if action == "remove_roles":
                services.organisation_user_roles_remove(actor=request.user, organisation=organisation, user=user)
                return _("%(user)s har inte längre några roller i organisationen.") % {"user": name}
            services.organisation_user_emergency_access_set(actor=request.user, organisation=organisation,
                                                            user=user, emergency_access=action == "emergency_on")
            return (_("%(user)s är nu nödkonto.") if action == "emergency_on"
                    else _("%(user)s är inte längre nödkonto.")) % {"user": name}

        after = _redirect_url("administration:user_list", organisation) if action == "remove_roles" else back
        return _post(request, after, run)
    texts = {
        "deactivate": (_("Inaktivera %(user)s?"), _("Kontot kan inte längre logga in, varken med lösenord eller "
                                                     "via identitetsleverantören. Rollerna finns kvar."),
                       _("Inaktivera")),
        "reactivate": (_("Aktivera %(user)s igen?"), _("Kontot kan logga in igen med sina roller."),
                       _("Aktivera")),
        "remove_roles": (_("Ta bort alla roller för %(user)s?"),
                         _("Användaren förlorar all behörighet i organisationen och försvinner ur listan. Roller i "
                           "andra organisationer påverkas inte."), _("Ta bort rollerna")),
        "emergency_on": (_("Markera %(user)s som nödkonto?"),
                         _("Ett nödkonto kan logga in med lösenord även när lokala lösenord är avstängda."),
                         _("Markera som nödkonto")),
        "emergency_off": (_("Ta bort nödkontot för %(user)s?"),
                          _("Kontot kan då bara logga in med lösenord om lokala lösenord är tillåtna."),
                          _("Ta bort nödkontot")),
    }
    title, text, button = texts[action]
    return render(request, "administration/accounts/confirm.html", {
        "organisation": organisation, "title": title % {"user": name}, "text": text, "button": button,
        "cancel": back, "action": action,
    })


# --- identity providers ------------------------------------------------------------------------
PROVIDER_FIELDS = ("name", "slug", "protocol", "enabled", "issuer", "client_id", "client_secret", "scopes",
                   "entity_id", "metadata_xml", "metadata_url", "groups_attribute", "username_attribute",
                   "clock_skew_seconds")


@_screen
def provider_list(request, org: str):
    organisation = organisation_for(request, org)
    return render(request, "administration/accounts/provider_list.html", {
        "organisation": organisation, "providers": selectors.identity_providers_of(organisation=organisation),
    })


@_screen
def provider_add(request, org: str):
    organisation = organisation_for(request, org)
    form = forms.IdentityProviderForm(request.POST or None,
                                      initial={"scopes": "openid email profile", "groups_attribute": "groups"})
    if request.method == "POST":
        response = _submitted(
            request, form,
            lambda data: services.identity_provider_create(actor=request.user, organisation=organisation,
                                                           **{name: data[name] for name in PROVIDER_FIELDS}),
            _("Identitetsleverantören har lagts till."), _redirect_url("administration:provider_list", organisation))
        if response is not None:
            return response
    return _page(request, "administration/accounts/provider_form.html",
                 {"organisation": organisation, "form": form, "provider": None}, form)


@_screen
def provider_edit(request, org: str, pk: int):
    organisation = organisation_for(request, org)
    provider = selectors.identity_provider_of(organisation=organisation, pk=pk)
    secret_saved = bool(provider.client_secret)
    if request.method == "POST":
        form = forms.IdentityProviderForm(request.POST, secret_saved=secret_saved)
        response = _submitted(
            request, form,
            lambda data: services.identity_provider_update(actor=request.user, provider=provider,
                                                           **{name: data[name] for name in PROVIDER_FIELDS}),
            _("Identitetsleverantören har ändrats."), _redirect_url("administration:provider_list", organisation))
        if response is not None:
            return response
    else:
        form = forms.IdentityProviderForm(
            initial={name: getattr(provider, name) for name in PROVIDER_FIELDS if name != "client_secret"},
            secret_saved=secret_saved)
    return _page(request, "administration/accounts/provider_form.html",
                 {"organisation": organisation, "form": form, "provider": provider, "secret_saved": secret_saved},
                 form)


@_screen
def provider_enabled(request, org: str, pk: int):
    """Turn an identity provider off (asked first) or on again."""
    organisation = organisation_for(request, org)
    provider = selectors.identity_provider_of(organisation=organisation, pk=pk)
    back = _redirect_url("administration:provider_list", organisation)
    enable = not provider.enabled
    if request.method == "POST":
        return _post(request, back, lambda: (
            services.identity_provider_set_enabled(actor=request.user, provider=provider, enabled=enable),
            (_("%(name)s är aktiv igen.") if enable else _("%(name)s är inaktiverad.")) % {"name": provider.name})[1])
    return render(request, "administration/accounts/confirm.html", {
        "organisation": organisation,
        "title": (_("Aktivera %(name)s igen?") if enable else _("Inaktivera %(name)s?")) % {"name": provider.name},
        "text": _("Inloggning via leverantören fungerar igen.") if enable else _(
            "Ingen kan logga in via leverantören förrän den aktiveras igen. Inställningarna och kopplingarna "
            "till användarna finns kvar."),
        "button": _("Aktivera") if enable else _("Inaktivera"), "cancel": back,
    })


# --- group-role mappings ---------------------------------------------------------------------------
@_screen
def mapping_list(request, org: str):
    """The mappings, and the form that adds one."""
    organisation = organisation_for(request, org)
    providers = selectors.identity_providers_of(organisation=organisation)
    form = forms.MappingForm(request.POST or None, organs=selectors.organs_of(organisation=organisation),
                             providers=providers)
    if request.method == "POST":
        def create(data):
            pk = posted_id(data["provider"])
            provider = None if pk is None else referenced(
                lambda: selectors.identity_provider_of(organisation=organisation, pk=pk), "provider")
            services.group_role_mapping_create(actor=request.user, organisation=organisation, group=data["group"],
                                               role=data["role"], provider=provider,
                                               organ=_organ(organisation, data["organ"]))

        response = _submitted(request, form, create, _("Mappningen har lagts till."), _redirect_url("administration:mapping_list", organisation))
        if response is not None:
            return response
    return _page(request, "administration/accounts/mapping_list.html", {
        "organisation": organisation, "form": form,
        "mappings": selectors.group_role_mappings_of(organisation=organisation),
    }, form)


@_screen
def mapping_delete(request, org: str, pk: int):
    organisation = organisation_for(request, org)
    mapping = selectors.group_role_mapping_of(organisation=organisation, pk=pk)
    back = _redirect_url("administration:mapping_list", organisation)
    if request.method == "POST":
        return _post(request, back, lambda: (
            services.group_role_mapping_delete(actor=request.user, mapping=mapping),
            _("Mappningen har tagits bort."))[1])
    return render(request, "administration/accounts/confirm.html", {
        "organisation": organisation,
        "title": _("Ta bort mappningen från gruppen %(group)s till rollen %(role)s?") % {
            "group": mapping.group, "role": mapping.get_role_display()},
        "text": _("Användare i gruppen får inte längre rollen vid nästa inloggning."),
        "button": _("Ta bort"), "cancel": back,
    })
