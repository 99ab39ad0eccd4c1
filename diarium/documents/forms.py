from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.registry.forms import DomainErrorFormMixin


class SignForm(DomainErrorFormMixin, forms.Form):
    """Mark a file version signed by hand: who signed, as their name and title read."""

    name = forms.CharField(label=_("Namn"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name", "size": 40}))
    role = forms.CharField(label=_("Roll eller titel (valfritt)"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "organization-title", "size": 40}),
                           help_text=_("Som den står vid underskriften, till exempel \"Tf. Kommundirektör\"."))

    def clean_name(self):
        name = " ".join((self.cleaned_data.get("name") or "").split())
        if not name:
            raise forms.ValidationError(_("Ange namnet på den som har skrivit under."))
        return name
