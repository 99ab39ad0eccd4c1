"""Forms of the classification scheme's pages: a node, and a file to import.
They only parse input; services.classification has the rules and says every
broken one at once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import LimitedCharField

from .forms import DomainErrorFormMixin, _pick
from .models import (
    CLASSIFICATION_CODE_MAX,
    CLASSIFICATION_DESCRIPTION_MAX,
    CLASSIFICATION_TITLE_MAX,
    Classification,
)


class ClassificationForm(DomainErrorFormMixin, forms.Form):
    """Add or change a node of the scheme. Code and title are checked by the
    service, so that every problem is said at once."""

    code = LimitedCharField(label=_("Kod"), max_length=CLASSIFICATION_CODE_MAX, required=False,
                            help_text=_("Siffror i ett till tre led: 1 för ett verksamhetsområde, 1.2 för en "
                                        "processgrupp under det och 1.2.3 för en process under den."),
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 12,
                                                          "autocomplete": "off"}))
    title = LimitedCharField(label=_("Benämning"), max_length=CLASSIFICATION_TITLE_MAX, required=False,
                             widget=forms.TextInput(attrs={"aria-required": "true", "size": 60}))
    level = forms.ChoiceField(label=_("Nivå"), required=False,
                              choices=[("", _("Enligt kodens antal led"))] + list(Classification.Level.choices))
    parent = forms.ChoiceField(label=_("Överordnad nivå"), required=False,
                               help_text=_("Hittas genom koden om du inte väljer (1.2 ligger under 1)."))
    description = LimitedCharField(label=_("Beskrivning"), required=False, max_length=CLASSIFICATION_DESCRIPTION_MAX,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._parents = list(parents)
        self.fields["parent"].choices = [("", _("Enligt koden"))] + [
            (str(p.pk), f"{p} ({p.get_level_display().lower()})") for p in self._parents]

    def clean_parent(self):
        value = self.cleaned_data.get("parent")
        parent = _pick(self._parents, value)
        if value and parent is None:
            raise forms.ValidationError(_("Välj en överordnad nivå i listan."))
        return parent

    def clean_level(self):
        return self.cleaned_data.get("level") or None


class ClassificationImportForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Fil med klassificeringsstrukturen (CSV eller XML)"),
        help_text=_("CSV i UTF-8 med semikolon eller komma och rubrikraden kod;benämning;nivå;beskrivning, eller "
                    "XML enligt schemat klassificering.xsd."),
        error_messages={"required": _("Välj en fil att importera."),
                        "empty": _("Filen är tom.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xml,text/csv,application/xml,text/xml"}))
