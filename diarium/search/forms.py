"""The search page's fields and the forms of saved searches.

The search filters are not validated here: selectors.search checks every
filter and returns Swedish errors per field, which the page shows next to the
field. This module only describes the fields (label, kind, choices, the value
the visitor sent) so the template can render them, and lists the parameters a
search (and a saved search) consists of.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from diarium.decisions.models import Decision, Meeting
from diarium.plans.models import SteeringDocument
from diarium.registry import selectors as registry
from diarium.registry.forms import DomainErrorFormMixin
from diarium.registry.models import Case, Document

from .models import Kind

# What a search consists of, by the names the page and the API use in the
# query string (and a saved search keeps). `sort` and `page` are how it is shown.
FILTERS = ("kind", "organ", "year", "date_from", "date_to", "status")
PARAMS = ("q", *FILTERS)
SORTS = (("relevance", _("Relevans")), ("date", _("Datum, nyast först")))
MAX_PARAM_CHARS = 500  # a saved search keeps at most this much of each parameter


def params_from(data: Mapping) -> dict[str, str]:
    """The search parameters in `data` (a QueryDict or a dict), as stripped
    strings, the empty ones left out."""
    params = {}
    for name in PARAMS:
        value = data.get(name)
        if value is None:
            continue
        value = str(value).strip()
        if value:
            params[name] = value
    return params


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class ChoiceGroup:
    label: str
    choices: list[Choice]


@dataclass
class FilterField:
    """One field of the search form, as the template renders it."""

    name: str
    label: str
    widget: str  # "search", "text", "date" or "select"
    value: str = ""
    errors: list[str] = field(default_factory=list)
    help_text: str = ""
    choices: list[Choice | ChoiceGroup] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"sok-{self.name.replace('_', '-')}"

    @property
    def options_html(self) -> SafeString:
        """The <option>s (in <optgroup>s) of a select, built here rather than in a
        template loop: a county's organ list has hundreds, rendered on every search."""
        def option(choice: Choice) -> str:
            selected = " selected" if choice.value == self.value else ""
            return f'<option value="{escape(choice.value)}"{selected}>{escape(choice.label)}</option>'

        parts = []
        for choice in self.choices:
            if isinstance(choice, ChoiceGroup):
                inner = "".join(option(c) for c in choice.choices)
                parts.append(f'<optgroup label="{escape(choice.label)}">{inner}</optgroup>')
            else:
                parts.append(option(choice))
        return mark_safe("\n".join(parts))  # every value and label escaped above

    @property
    def described_by(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"{self.id}-hjalp")
        if self.errors:
            ids.append(f"{self.id}-fel")
        return " ".join(ids)


def status_choices() -> list[ChoiceGroup]:
    """Every status a hit can have, grouped by kind, with the values the
    selector filters on ("<kind>:<code>")."""
    groups = []
    for kind, choices in ((Kind.CASE, Case.Status), (Kind.DOCUMENT, Document.Direction),
                          (Kind.DECISION, Decision.Status), (Kind.MEETING, Meeting.Status),
                          (Kind.PLAN, SteeringDocument.Status)):
        groups.append(ChoiceGroup(label=str(kind.label), choices=[
            Choice(f"{kind.value}:{value}", str(label)) for value, label in choices.choices]))
    return groups


def _organ_choices(scope=None) -> list[Choice | ChoiceGroup]:
    """The organs to filter on; grouped by organisation when there are several
    (a county's seventeen "Bygg- och miljönämnden (BMN)" are told apart so)."""
    by_organisation: dict[str, list[Choice]] = {}
    for pk, name, code, organisation in registry.organs_for_filter(organisation=scope).values_list(
            "pk", "name", "code", "organisation__name"):
        by_organisation.setdefault(organisation, []).append(Choice(str(pk), f"{name} ({code})"))
    if len(by_organisation) <= 1:
        return [choice for choices in by_organisation.values() for choice in choices]
    return [ChoiceGroup(label=name, choices=choices) for name, choices in sorted(by_organisation.items())]


def search_fields(params: Mapping[str, str], errors: Mapping[str, list[str]], sort: str, *,
                  organisation=None) -> dict[str, FilterField]:
    """The fields of the search form with the visitor's values and the errors
    the selector found, by name (`organisation`: the organs of the site's own only)."""
    any_choice = Choice("", str(_("Alla")))
    fields = [
        FilterField("q", str(_("Sök")), "search", help_text=str(_(
            "Alla ord ska finnas med. Sätt citattecken runt en fras (\"digital målbild\"), * efter början av ett "
            "ord (handlingspl*) och minus före ord som inte ska finnas med (-remiss)."))),
        FilterField("kind", str(_("Typ")), "select", choices=[Choice("", str(_("Alla typer")))]
                    + [Choice(value, str(label)) for value, label in Kind.choices]),
        FilterField("organ", str(_("Organ")), "select", choices=[Choice("", str(_("Alla organ")))] + _organ_choices(organisation)),
        FilterField("year", str(_("År")), "text", help_text=str(_("Till exempel 2018.")),
                    attrs={"inputmode": "numeric", "autocomplete": "off", "size": "6"}),
        FilterField("date_from", str(_("Från och med datum")), "date", help_text=str(_("ÅÅÅÅ-MM-DD"))),
        FilterField("date_to", str(_("Till och med datum")), "date", help_text=str(_("ÅÅÅÅ-MM-DD"))),
        FilterField("status", str(_("Status")), "select", choices=[any_choice] + status_choices()),
        FilterField("sort", str(_("Sortering")), "select", choices=[Choice(v, str(label)) for v, label in SORTS]),
    ]
    for f in fields:
        f.value = sort if f.name == "sort" else params.get(f.name, "")
        f.errors = [str(e) for e in errors.get(f.name, ())]
    return {f.name: f for f in fields}


# --- saved searches -------------------------------------------------------------------------
class SaveSearchForm(DomainErrorFormMixin, forms.Form):
    """Save the current search (signed-in users); the search itself travels in
    hidden fields and is checked again by the service."""

    name = forms.CharField(
        label=_("Namn på sökningen"), max_length=200,
        error_messages={"required": _("Ge sökningen ett namn."),
                        "max_length": _("Namnet får vara högst %(limit_value)s tecken.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    alerts = forms.BooleanField(
        label=_("Skicka e-post varje dag när det finns nya träffar"), required=False,
        help_text=_("Till e-postadressen på ditt konto. Du kan stänga av det när du vill."),
    )


class SubscribeForm(DomainErrorFormMixin, forms.Form):
    """Follow a search by e-mail (anyone, also without an account)."""

    email = forms.EmailField(
        label=_("Din e-postadress"), max_length=254,
        help_text=_("Vi skickar först en länk som du bekräftar bevakningen med. Adressen visas aldrig för andra "
                    "och används bara för bevakningen."),
        error_messages={"required": _("Skriv din e-postadress."),
                        "invalid": _("Skriv en giltig e-postadress, till exempel namn@example.se."),
                        "max_length": _("E-postadressen får vara högst %(limit_value)s tecken.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class AlertsForm(forms.Form):
    """Turn the daily e-mail of a saved search on or off."""

    alerts = forms.BooleanField(label=_("Skicka e-post varje dag när det finns nya träffar"), required=False)
