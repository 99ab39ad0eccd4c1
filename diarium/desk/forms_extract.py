"""The register extract's form: whose records to find, and in which
organisation's register (for staff of several). The rules are in
extract.extract_terms, whose DomainError is shown on these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.control_characters import (
    control_characters_message,
    has_control_characters,
)
from diarium.core.limits import LimitedCharField

from .extract import TERM_MAX


class RegisterExtractForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    name = LimitedCharField(label=_("Namn"), required=False, max_length=TERM_MAX,
                            help_text=_("Personens namn, som det kan stå i registret."),
                            widget=forms.TextInput(attrs={"autocomplete": "off", "size": 40}))
    email = LimitedCharField(label=_("E-postadress"), required=False, max_length=TERM_MAX,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "size": 40}))

    def __init__(self, *args, organisations=(), **kwargs):
        kwargs.setdefault("auto_id", "utdrag_%s")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        if len(organisations) < 2:
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        for name in ("name", "email"):
            if has_control_characters(data.get(name) or ""):
                self.add_error(name, control_characters_message())
        return data

    def add_domain_error(self, exc) -> None:
        """A service's DomainError on its fields, the rest at the top of the form."""
        if not exc.errors:
            self.add_error(None, exc.message)
        for name, messages in exc.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
