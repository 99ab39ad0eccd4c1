"""Forms of the screens for the organisation's settings, organs, users, identity
providers and group-role mappings. They only parse input: the rules (and every
error at once) are in diarium.accounts.services, whose DomainErrors are shown on
these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import IdentityProvider, Organ, Role
from diarium.registry.forms import DomainErrorFormMixin


def _text(label, *, max_length: int, required: bool = False, help_text="", **attrs):
    """A text field whose length the service checks (so that its error comes with
    all the others); the browser is told the limit."""
    return forms.CharField(label=label, required=required, help_text=help_text, strip=False,
                           widget=forms.TextInput(attrs={"maxlength": max_length, **attrs}))


def _choices_with_all(rows, all_label):
    return [("", all_label)] + [(str(pk), label) for pk, label in rows]


class AdminForm(DomainErrorFormMixin, forms.Form):
    """A form whose required fields the service checks, so that no input error hides another."""

    def field_required(self, *names: str) -> None:
        for name in names:
            self.fields[name].widget.attrs["aria-required"] = "true"


class SettingsForm(AdminForm):
    site_title = _text(_("Webbplatsens namn"), max_length=200, help_text=_("Tomt: organisationens namn."))
    host = _text(_("Värdnamn"), max_length=253, autocomplete="off", spellcheck="false",
                 help_text=_("Den publika webbplatsens värdnamn, t.ex. diarium.alingsas.se. Tomt: bara på den "
                             "delade adressen."))
    logo = forms.FileField(label=_("Ny logotyp"), required=False,
                           help_text=_("PNG, JPEG eller SVG, högst 1 MB. En SVG får inte innehålla skript."),
                           widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}))
    logo_remove = forms.BooleanField(label=_("Ta bort logotypen"), required=False)
    brand_colour = _text(_("Profilfärg"), max_length=7, autocomplete="off",
                         help_text=_("Sidhuvudets färg som #rrggbb. Vit text på den måste ha kontrasten minst 4,5:1."))
    contact_email = forms.CharField(label=_("Kontaktadress (e-post)"), required=False,
                                    widget=forms.EmailInput(attrs={"maxlength": 254, "autocomplete": "email"}))
    contact_phone = _text(_("Telefon"), max_length=40, autocomplete="tel")
    postal_address = forms.CharField(label=_("Postadress"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}))
    website = forms.CharField(label=_("Webbplats"), required=False,
                              widget=forms.URLInput(attrs={"maxlength": 200}))
    local_login_enabled = forms.BooleanField(
        label=_("Lokala lösenord tillåtna"), required=False,
        help_text=_("Av: personalen loggar bara in via organisationens identitetsleverantör. Kräver en aktiv "
                    "identitetsleverantör och ett nödkonto som kan logga in med lösenord."))

    def __init__(self, *args, has_logo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_logo:
            del self.fields["logo_remove"]
            self.fields["logo"].label = _("Logotyp")


class OrganForm(AdminForm):
    name = _text(_("Namn"), max_length=200)
    code = _text(_("Förkortning"), max_length=20, help_text=_("Unik i organisationen, t.ex. KS."))
    kind = forms.ChoiceField(label=_("Typ"), choices=Organ.Kind.choices)
    parent = forms.ChoiceField(label=_("Överordnat organ"), required=False)
    email = forms.CharField(label=_("E-post"), required=False, widget=forms.EmailInput(attrs={"maxlength": 254}))
    active = forms.BooleanField(label=_("Aktivt"), required=False, initial=True,
                                help_text=_("Ett inaktivt organ finns kvar i det som redan registrerats men "
                                            "erbjuds inte för nytt."))

    def __init__(self, *args, organs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = _choices_with_all(((o.pk, str(o)) for o in organs), _("Inget"))
        self.field_required("name", "code")


def _role_fields(form, organs) -> None:
    form.fields["organ"].choices = _choices_with_all(((o.pk, str(o)) for o in organs),
                                                     _("Hela organisationen"))


class RoleForm(AdminForm):
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    organ = forms.ChoiceField(label=_("Gäller"), required=False)

    def __init__(self, *args, organs=(), **kwargs):
        super().__init__(*args, **kwargs)
        _role_fields(self, organs)


class UserAddForm(AdminForm):
    username = _text(_("Användarnamn"), max_length=150, autocomplete="off", spellcheck="false")
    first_name = _text(_("Förnamn"), max_length=150, autocomplete="off")
    last_name = _text(_("Efternamn"), max_length=150, autocomplete="off")
    email = forms.CharField(label=_("E-post"), required=False,
                            widget=forms.EmailInput(attrs={"maxlength": 254, "autocomplete": "off"}))
    password = forms.CharField(label=_("Första lösenord"), required=False, strip=False,
                               help_text=_("Minst 8 tecken, inte bara siffror och inte ett vanligt lösenord. "
                                           "Användaren byter det själv."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    organ = forms.ChoiceField(label=_("Gäller"), required=False)

    def __init__(self, *args, organs=(), **kwargs):
        super().__init__(*args, **kwargs)
        _role_fields(self, organs)
        self.field_required("username", "password")


class IdentityProviderForm(AdminForm):
    name = _text(_("Namn"), max_length=200, help_text=_("Visas på inloggningsknappen."))
    slug = _text(_("Kortnamn"), max_length=60, spellcheck="false",
                 help_text=_("Små bokstäver, siffror och bindestreck; används i adressen /konto/sso/<kortnamn>/."))
    protocol = forms.ChoiceField(label=_("Protokoll"), choices=IdentityProvider.Protocol.choices)
    enabled = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)
    issuer = _text(_("Utfärdare (issuer)"), max_length=500, spellcheck="false",
                   help_text=_("OpenID Connect: en https://-adress (http:// bara för localhost)."))
    client_id = _text(_("Klient-id"), max_length=255, spellcheck="false", help_text=_("OpenID Connect."))
    client_secret = forms.CharField(
        label=_("Klienthemlighet"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "maxlength": 500}))
    scopes = _text(_("Scopes"), max_length=255, spellcheck="false")
    entity_id = _text(_("IdP:ns entity-id"), max_length=500, spellcheck="false", help_text=_("SAML 2.0."))
    metadata_xml = forms.CharField(label=_("IdP-metadata (XML)"), required=False, strip=False,
                                   help_text=_("SAML 2.0: klistra in metadata, eller ange adressen nedan."),
                                   widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}))
    metadata_url = forms.CharField(label=_("Adress till IdP-metadata"), required=False,
                                   widget=forms.URLInput(attrs={"maxlength": 500}))
    groups_attribute = _text(_("Attribut för grupper"), max_length=255, spellcheck="false")
    username_attribute = _text(_("Attribut för användarnamn"), max_length=255, spellcheck="false",
                               help_text=_("Tomt: e-postadressen, annars subjektet."))
    clock_skew_seconds = forms.IntegerField(label=_("Tillåten klockskillnad (sekunder)"), initial=120,
                                            help_text=_("Högst 600."))

    def __init__(self, *args, secret_saved: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            _("OpenID Connect. En klienthemlighet är sparad; lämna fältet tomt för att behålla den.")
            if secret_saved else _("OpenID Connect. Visas aldrig igen efter att den sparats."))
        self.field_required("name", "slug")


class MappingForm(AdminForm):
    group = _text(_("Grupp"), max_length=255, spellcheck="false",
                  help_text=_("Gruppens namn eller id som identitetsleverantören skickar."))
    provider = forms.ChoiceField(label=_("Identitetsleverantör"), required=False)
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    organ = forms.ChoiceField(label=_("Gäller"), required=False)

    def __init__(self, *args, organs=(), providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        _role_fields(self, organs)
        self.fields["provider"].choices = _choices_with_all(((p.pk, p.name) for p in providers),
                                                            _("Alla organisationens leverantörer"))
        self.field_required("group")
