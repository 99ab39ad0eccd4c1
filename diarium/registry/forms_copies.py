"""Forms of the staff's pages for requests for public documents: registering
one that came by phone, e-mail, a visit or a letter, giving it to an officer,
and deciding it. They parse input only; the rules are the services'
(services/copies.py, services/copy_decisions.py), shown on these fields."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import LimitedCharField

from .forms import DomainErrorFormMixin, _rule_errors_add
from .models import COPY_REASONING_MAX, SECRECY_GROUND_MAX, CopyRequest
from .services import COPY_CONTACT_MAX, COPY_FORMATS, COPY_MESSAGE_MAX, COPY_NAME_MAX, STAFF_CHANNELS
from .services.copy_decisions import copy_request_decision_errors

PAGES_TEXT_MAX = 500
_PAGE_RANGE = re.compile(r"^(\d{1,5})-(\d{1,5})$")
PAGE_RANGE_MAX = 10_000


class CopyRequestRegisterForm(DomainErrorFormMixin, forms.Form):
    """A request received otherwise than through the web form."""

    channel = forms.ChoiceField(
        label=_("Begäran kom in via"), widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        error_messages={"required": _("Välj hur begäran kom in: e-post, telefon, besök eller brev."),
                        "invalid_choice": _("Välj hur begäran kom in: e-post, telefon, besök eller brev.")},
    )
    received_at = forms.DateTimeField(
        label=_("Kom in (valfritt)"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Datum och tid, ÅÅÅÅ-MM-DD tt:mm. Lämna tomt om begäran kom in nu."),
        error_messages={"invalid": _("Ange datum och tid som ÅÅÅÅ-MM-DD tt:mm.")},
    )
    name = LimitedCharField(
        label=_("Namn (frivilligt)"), required=False, max_length=COPY_NAME_MAX,
        help_text=_("Den som begär ut en handling får vara anonym (tryckfrihetsförordningen 2 kap. 18 §)."),
    )
    format = forms.ChoiceField(
        label=_("Önskad form"), choices=list(COPY_FORMATS.items()), widget=forms.RadioSelect,
        error_messages={"required": _("Välj om kopian ska skickas på papper eller med e-post."),
                        "invalid_choice": _("Välj om kopian ska skickas på papper eller med e-post.")},
    )
    contact = LimitedCharField(
        label=_("E-postadress eller postadress (frivilligt)"), required=False, max_length=COPY_CONTACT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Svaret skickas med e-post till en e-postadress, annars med post. Utan kontaktuppgift hämtas "
                    "svaret hos registraturen."),
    )
    message = LimitedCharField(label=_("Vad begäran gäller (frivilligt)"), required=False, max_length=COPY_MESSAGE_MAX,
                               widget=forms.Textarea(attrs={"rows": 3}))


class CopyRequestAssignForm(DomainErrorFormMixin, forms.Form):
    person = forms.ChoiceField(label=_("Handläggare"),
                               error_messages={"required": _("Välj vem som ska handlägga begäran."),
                                               "invalid_choice": _("Välj en person i listan.")})

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._people = list(people)
        self.fields["person"].choices = [("", _("Välj person"))] + [
            (str(p.pk), f"{p.name}, {p.title}" if p.title else p.name) for p in self._people]

    def clean_person(self):
        value = self.cleaned_data.get("person")
        return next((p for p in self._people if str(p.pk) == str(value)), None)


def parse_pages(text: str) -> tuple[list[int], list[str]]:
    """Page numbers written as "2, 5–7" (commas, spaces or semicolons between;
    a range with a hyphen or a dash), and the parts that are not."""
    pages, bad = set(), []
    text = re.sub(r"\s*[-–—]\s*", "-", (text or "").strip())
    for part in re.split(r"[,;\s]+", text):
        part = part.strip()
        if not part:
            continue
        if part.isdigit() and len(part) <= 5:
            pages.add(int(part))
            continue
        match = _PAGE_RANGE.match(part)
        if match and int(match[1]) <= int(match[2]) and int(match[2]) - int(match[1]) < PAGE_RANGE_MAX:
            pages.update(range(int(match[1]), int(match[2]) + 1))
        else:
            bad.append(part)
    return sorted(pages), bad


class CopyRequestDecideForm(DomainErrorFormMixin, forms.Form):
    """The decision on `copy_request`. Input the form cannot read (a page that
    is no number) stops it before the service; the service's rules are then
    shown with it (copy_request_decision_errors), so every error shows at once.
    What needs the document read (a phrase not in it) the service says."""

    outcome = forms.ChoiceField(
        label=_("Beslut"), choices=CopyRequest.Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Välj om handlingen lämnas ut, lämnas ut delvis eller om begäran avslås."),
                        "invalid_choice": _("Välj om handlingen lämnas ut, lämnas ut delvis eller om begäran "
                                            "avslås.")},
    )
    legal_ground = LimitedCharField(
        label=_("Lagrum"), required=False, max_length=SECRECY_GROUND_MAX,
        widget=forms.TextInput(attrs={"list": "osl-lagrum", "size": 40}),
        help_text=_("Krävs när begäran avslås eller handlingen lämnas ut delvis, till exempel ”OSL 21 kap. 7 §”. "
                    "Välj i listan eller skriv ett annat lagrum."),
    )
    reasoning = LimitedCharField(
        label=_("Motivering (valfritt)"), required=False, max_length=COPY_REASONING_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Står i det skriftliga beslutet, som den som begärt handlingen får och som diarieförs i ärendet. "
                    "Skriv inte de uppgifter som är sekretessbelagda."),
    )
    phrases = forms.CharField(
        label=_("Uppgifter att ta bort (vid delvis utlämnande)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En per rad, till exempel ett namn eller ett personnummer. Varje förekomst i PDF-filen tas bort "
                    "ur texten, oavsett stora och små bokstäver, också inuti längre ord (”Öberg” i ”Öbergs”)."),
    )
    pages = LimitedCharField(
        label=_("Sidor som inte lämnas ut (vid delvis utlämnande)"), required=False, max_length=PAGES_TEXT_MAX,
        help_text=_("Till exempel 2, 5–7. Sidorna töms i kopian och märks ”Sidan lämnas inte ut.”"),
    )

    def clean_phrases(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("phrases") or "").splitlines() if line.strip()]

    def clean_pages(self) -> list[int]:
        pages, bad = parse_pages(self.cleaned_data.get("pages") or "")
        if bad:
            raise forms.ValidationError(_("Ange sidor som hela tal eller intervall, till exempel 2, 5–7: %(bad)s")
                                        % {"bad": ", ".join(bad)})
        return pages

    def __init__(self, *args, copy_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._copy_request = copy_request

    def clean(self):
        data = super().clean()
        if self.errors and self._copy_request is not None:
            _rule_errors_add(self, copy_request_decision_errors(
                request=self._copy_request, outcome=data.get("outcome") or "",
                legal_ground=" ".join((data.get("legal_ground") or "").split()),
                reasoning=data.get("reasoning") or "", phrases=data.get("phrases") or [],
                pages=data.get("pages") or [], page_errors=[]))
        return data
