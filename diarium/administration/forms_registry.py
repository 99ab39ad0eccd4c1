"""Forms of the register's and the meetings' reference data (views_registry.py).
They only parse input: the services have the rules and say every broken one
at once, so most fields are optional here and checked there."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import LimitedCharField
from diarium.intake.models import Mailbox
from diarium.registry.forms import DomainErrorFormMixin
from diarium.registry.reference import DIARY_NUMBER_FORMAT_MAX

YEAR_MIN, YEAR_MAX = 1900, 2100
SEQ_MAX = 9_999_999


class SeriesForm(DomainErrorFormMixin, forms.Form):
    code = LimitedCharField(label=_("Seriekod"), max_length=20, required=False,
                            help_text=_("Står i diarienumret, t.ex. KS. Ändras koden får ärenden som registreras "
                                        "efter ändringen den nya koden; de som redan har nummer behåller sina."),
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 10,
                                                          "autocomplete": "off"}))
    name = LimitedCharField(label=_("Namn"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 50}))
    organs = forms.MultipleChoiceField(
        label=_("Organ som numrerar i serien"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Ett organ numrerar i en serie. Ett utskott utan egen serie numrerar i sin nämnds."),
        error_messages={"invalid_choice": _("Välj organ i listan.")})

    def __init__(self, *args, organs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._organs = list(organs)
        self.fields["organs"].choices = [(str(o.pk), f"{o.name} ({o.code})") for o in self._organs]

    def clean_organs(self):
        chosen = set(self.cleaned_data.get("organs") or [])
        return [o for o in self._organs if str(o.pk) in chosen]


class CounterForm(DomainErrorFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("År"), min_value=YEAR_MIN, max_value=YEAR_MAX,
        error_messages={"required": _("Ange året."), "invalid": _("Ange året med fyra siffror."),
                        "min_value": _("Ange ett år mellan 1900 och 2100."),
                        "max_value": _("Ange ett år mellan 1900 och 2100.")})
    last_seq = forms.IntegerField(
        label=_("Senast använda nummer"), min_value=0, max_value=SEQ_MAX,
        help_text=_("Nästa ärende får numret efter detta. Räknaren kan bara flyttas framåt: ett nummer som "
                    "använts ges aldrig igen."),
        error_messages={"required": _("Ange det senast använda numret."), "invalid": _("Ange numret som ett heltal."),
                        "min_value": _("Numret kan inte vara negativt."),
                        "max_value": _("Ange ett nummer upp till 9 999 999.")})


class NumberFormatForm(DomainErrorFormMixin, forms.Form):
    diary_number_format = LimitedCharField(
        label=_("Format för diarienummer"), max_length=DIARY_NUMBER_FORMAT_MAX, required=False,
        help_text=_("Platshållare: {year} för året, {seq} för löpnumret och {series} för seriekoden. Exempel: "
                    "{year}.{seq} {series} ger 2026.12 KS och {series} {year}/{seq} ger KS 2026/12."),
        widget=forms.TextInput(attrs={"aria-required": "true", "size": 30, "autocomplete": "off",
                                      "spellcheck": "false"}))


class DocumentTypeForm(DomainErrorFormMixin, forms.Form):
    name = LimitedCharField(label=_("Namn"), max_length=100, required=False,
                            help_text=_("T.ex. Ansökan, Yttrande eller Protokoll."),
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 40}))


class DocumentTypeEditForm(DocumentTypeForm):
    active = forms.BooleanField(label=_("Erbjuds för nya handlingar"), required=False,
                                help_text=_("Av: typen finns kvar på handlingarna som har den men kan inte väljas "
                                            "för nya."))


class MailboxForm(DomainErrorFormMixin, forms.Form):
    """A function mailbox. The password is write-only: never shown, and left
    empty when changing a mailbox the stored one is kept."""

    name = LimitedCharField(label=_("Namn"), max_length=200, required=False,
                            help_text=_("T.ex. Kommunstyrelsens brevlåda."),
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 40}))
    host = LimitedCharField(label=_("IMAP-server"), max_length=255, required=False,
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 40,
                                                          "autocomplete": "off", "spellcheck": "false"}))
    port = forms.CharField(label=_("Port"), required=False, max_length=10,
                           help_text=_("Oftast 993 med TLS och 143 med STARTTLS."),
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "autocomplete": "off"}))
    security = forms.ChoiceField(label=_("Kryptering"), choices=Mailbox.Security.choices, required=False)
    username = LimitedCharField(label=_("Användarnamn"), max_length=255, required=False,
                                widget=forms.TextInput(attrs={"aria-required": "true", "size": 40,
                                                              "autocomplete": "off", "spellcheck": "false"}))
    password = forms.CharField(label=_("Lösenord"), required=False, max_length=255, strip=False,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
    folder = LimitedCharField(label=_("Mapp"), max_length=255, required=False, initial="INBOX",
                              help_text=_("Mappen som läses, oftast INBOX."))
    done_folder = LimitedCharField(label=_("Mapp för hanterade"), max_length=255, required=False,
                                   help_text=_("Hanterade meddelanden flyttas hit. Tom: de markeras som lästa."))
    organ = forms.ChoiceField(label=_("Organ för nya ärenden"), required=False,
                              help_text=_("Föreslås när ett meddelande registreras som ett nytt ärende; ärendet "
                                          "numreras i organets diarieserie."),
                              error_messages={"invalid_choice": _("Välj ett organ i listan.")})
    active = forms.BooleanField(label=_("Läses"), required=False, initial=True,
                                help_text=_("Av: brevlådan läses inte, men inställningarna och meddelandena finns kvar."))

    def __init__(self, *args, organs=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._organs = list(organs)
        self.fields["organ"].choices = [("", _("Inget"))] + [(str(o.pk), f"{o.name} ({o.code})")
                                                            for o in self._organs]
        self.fields["password"].help_text = (
            _("Visas aldrig. Lämna tomt för att behålla det sparade lösenordet.") if editing
            else _("Visas aldrig efter att det har sparats."))

    def clean_port(self):
        """A whole number, or None for the service to refuse with its message."""
        value = (self.cleaned_data.get("port") or "").strip()
        return int(value) if value.isdigit() and len(value) <= 5 else None

    def clean_organ(self):
        value = self.cleaned_data.get("organ")
        return next((o for o in self._organs if str(o.pk) == value), None)

    def clean_security(self):
        return self.cleaned_data.get("security") or Mailbox.Security.SSL
