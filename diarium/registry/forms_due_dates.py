"""The form of a due date ("bevakning"). Only parses; the rules are
services.due_date_set's, whose errors are shown on these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import IsoDateField, LimitedCharField

from .forms import DateInput, DomainErrorFormMixin, _choices, _pick
from .models import DUE_REASON_MAX


class DueDateForm(DomainErrorFormMixin, forms.Form):
    due_on = IsoDateField(label=_("Bevakningsdatum"), required=False, widget=DateInput(attrs={"aria-required": "true"}),
                          help_text=_("Dagen då något ska ha hänt. Du får en påminnelse några dagar innan."))
    reason = LimitedCharField(label=_("Vad ska bevakas?"), max_length=DUE_REASON_MAX, required=False,
                              widget=forms.TextInput(attrs={"aria-required": "true", "size": 60}),
                              help_text=_("Till exempel ”Yttrande från miljönämnden ska ha kommit in”."))
    document = forms.ChoiceField(label=_("Gäller handling"), required=False)
    person = forms.ChoiceField(label=_("Bevakas av"), required=False,
                               help_text=_("Lämnas tomt bevakar ärendets handläggare."))

    def __init__(self, *args, documents=(), people=(), **kwargs):
        """`documents`: the case's documents as the reader sees them (selectors.document_entries)."""
        super().__init__(*args, **kwargs)
        self._documents, self._people = {str(e.id): e for e in documents}, list(people)
        self.fields["document"].choices = [("", _("Hela ärendet"))] + [
            (key, f"{e.number}. {e.description_text}") for key, e in self._documents.items()]
        self.fields["person"].choices = _choices(self._people, empty=_("Ärendets handläggare"))

    def clean_document(self):
        """The id of the document chosen, or None."""
        entry = self._documents.get(self.cleaned_data.get("document") or "")
        return entry.id if entry else None

    def clean_person(self):
        return _pick(self._people, self.cleaned_data.get("person"))
