"""The case list's bulk action form: what to do with the cases ticked in the
list (services.cases_bulk_change has the rules). Its choices come from lists
the view already loaded, so validating costs no queries."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import LimitedCharField

from .forms import DomainErrorFormMixin, _choices, _pick, classification_choices
from .models import REASON_MAX
from .services import BulkAction


class CaseBulkForm(DomainErrorFormMixin, forms.Form):
    # The ticked boxes of the list's rows (name "cases"); rendered by the list, not here.
    cases = forms.Field(label=_("Valda ärenden"), required=False, widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(label=_("Åtgärd"), required=False,
                               choices=[("", _("Välj åtgärd"))] + list(BulkAction.choices))
    officer = forms.ChoiceField(label=_("Ny handläggare"), required=False,
                                help_text=_("Används när åtgärden är att byta handläggare."))
    classification = forms.ChoiceField(label=_("Ny klassificering"), required=False,
                                       help_text=_("Används när åtgärden är att sätta klassificering."))
    reason = LimitedCharField(label=_("Kommentar (valfri)"), required=False, max_length=REASON_MAX,
                             help_text=_("Sparas i varje ärendes historik."))

    def __init__(self, *args, officers=(), classifications=(), organisation_names=None, **kwargs):
        """`organisation_names` (id -> name) when the choices span several
        organisations: each is then named after its organisation."""
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self._officers = list(officers)
        self._classifications = list(classifications)

        def named(label, organisation_id):
            return f"{label} ({organisation_names.get(organisation_id, '')})" if organisation_names else label

        self.fields["officer"].choices = _choices(
            self._officers, label=lambda p: named(p.name, p.organisation_id), empty=_("Ingen vald"))
        self.fields["classification"].choices = classification_choices(self._classifications)

    def clean_cases(self):
        values = self.cleaned_data.get("cases") or []
        if not isinstance(values, list | tuple) or not all(
                isinstance(v, str) and v.isdigit() and len(v) < 12 for v in values):
            raise forms.ValidationError(_("Markera ärendena i listan."))
        return [int(v) for v in values]

    def clean_officer(self):
        return _pick(self._officers, self.cleaned_data.get("officer"))

    def clean_classification(self):
        return _pick(self._classifications, self.cleaned_data.get("classification"))

    def ticked(self) -> set[int]:
        """The cases ticked when the form was sent (to tick them again when it is shown with errors)."""
        if not self.is_bound:
            return set()
        values = self.data.getlist(self.add_prefix("cases")) if hasattr(self.data, "getlist") else []
        return {int(v) for v in values if isinstance(v, str) and v.isdigit() and len(v) < 12}

    def bulk_arguments(self) -> dict:
        """Keyword arguments for services.cases_bulk_change (after is_valid)."""
        data = self.cleaned_data
        return {"cases": data["cases"], "action": data["action"], "officer": data["officer"],
                "classification": data["classification"], "reason": data["reason"]}

    def add_domain_error(self, exc) -> None:
        """As the mixin, with the refusal's summary (which cases, how many) above
        the lines that say why for each case."""
        super().add_domain_error(exc)
        if exc.errors and not any(exc.message in messages for messages in exc.errors.values()):
            self.add_error(None, exc.message)
