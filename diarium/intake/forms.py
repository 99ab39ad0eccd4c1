"""Forms of the inbox: registering a message, dismissing it, uploading one.
They parse input into typed values; the rules live in services.py, and the
register's own rules for a document's fields are asked here too, so that
every error shows at once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import LimitedCharField
from diarium.registry.forms import DocumentForm, DomainErrorFormMixin, _choices, _pick, classification_choices
from diarium.registry.models import CASE_TITLE_MAX, Document, ReceivedVia

from .models import NOTE_MAX, IntakeItem

NEW_CASE, EXISTING_CASE = "new", "case"


class RegisterForm(DocumentForm):
    """The document's register fields (DocumentForm's, the message being an
    incoming e-mail), where it goes (a new case or an existing one) and which
    attachments become files."""

    target = forms.ChoiceField(label=_("Registrera i"), widget=forms.RadioSelect, initial=NEW_CASE,
                               choices=[(NEW_CASE, _("Ett nytt ärende")), (EXISTING_CASE, _("Ett befintligt ärende"))])
    organ = forms.ChoiceField(label=_("Organ för det nya ärendet"), required=False,
                              error_messages={"invalid_choice": _("Välj ett organ som du får registrera ärenden i.")})
    title = LimitedCharField(label=_("Ärendemening för det nya ärendet"), max_length=CASE_TITLE_MAX, required=False,
                             widget=forms.TextInput(attrs={"size": 60}))
    classification = forms.ChoiceField(label=_("Klassificering av det nya ärendet"), required=False)
    diary_number = LimitedCharField(label=_("Diarienummer för det befintliga ärendet"), max_length=60,
                                    required=False, help_text=_("Som det brukar skrivas, t.ex. 2017.676 KS eller "
                                                                "KS 2017/676."))
    attachments = forms.MultipleChoiceField(label=_("Bilagor som registreras som filer"), required=False,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("Meddelandet registreras alltid i sin helhet (.eml), med "
                                                        "alla bilagor i sig."))

    field_order = ["target", "organ", "title", "classification", "diary_number", "description", "counterpart",
                   "counterpart_kind", "document_date", "document_type", "attachments"]

    def __init__(self, *args, item: IntakeItem, organs=(), find_case=None, classifications=(),
                 classification_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("direction", "received_via", "files"):
            del self.fields[name]
        self._organs = list(organs)
        self._find_case = find_case
        self.fields["organ"].choices = _choices(self._organs, label=lambda o: f"{o.name} ({o.code})",
                                                empty=_("Välj organ"))
        # The processes of the organisation's scheme (registry.selectors.classification.case_classifications).
        self._classifications = list(classifications)
        self.fields["classification"].choices = classification_choices(
            self._classifications, empty=_("Välj process") if classification_required else _("Ingen vald"))
        if classification_required:
            self.fields["classification"].help_text = _("Krävs för ett nytt ärende: den process i "
                                                        "klassificeringsstrukturen som ärendet hör till.")
        self.fields["attachments"].choices = [
            (str(row["index"]), row["name"]) for row in item.attachments if not row.get("problem")]
        if not self.fields["attachments"].choices:
            del self.fields["attachments"]
        self.order_fields(self.field_order)

    def clean_organ(self):
        return _pick(self._organs, self.cleaned_data.get("organ"))

    def clean_classification(self):
        return _pick(self._classifications, self.cleaned_data.get("classification"))

    def clean_attachments(self):
        return [int(i) for i in self.cleaned_data.get("attachments") or ()]

    def clean(self):
        self.cleaned_data["direction"] = Document.Direction.INCOMING
        self.cleaned_data["received_via"] = ReceivedVia.EMAIL
        data = super().clean()
        data.pop("direction", None), data.pop("received_via", None), data.pop("files", None)
        if data.get("target") == EXISTING_CASE:
            number = (data.get("diary_number") or "").strip()
            data["case"] = self._find_case(number) if number else None
            if not number:
                self.add_error("diary_number", _("Ange diarienumret för ärendet handlingen ska registreras i."))
            elif data["case"] is None:
                self.add_error("diary_number", _("Inget ärende med diarienumret %(number)s finns.")
                               % {"number": number})
            data["organ"], data["title"], data["classification"] = None, "", None
        else:
            data["case"] = None
            if data.get("organ") is None and "organ" not in self.errors:
                self.add_error("organ", _("Välj vilket organ det nya ärendet hör till."))
            if not (data.get("title") or "").strip() and "title" not in self.errors:
                self.add_error("title", _("Ange en ärendemening."))
        data.pop("target", None), data.pop("diary_number", None)
        return data


class DismissForm(DomainErrorFormMixin, forms.Form):
    dismissal = forms.ChoiceField(label=_("Skäl"), widget=forms.RadioSelect, choices=IntakeItem.Dismissal.choices,
                                  error_messages={"required": _("Välj varför meddelandet inte registreras.")})
    note = LimitedCharField(label=_("Kommentar"), max_length=NOTE_MAX, required=False,
                            help_text=_("Krävs när skälet är \"Annat skäl\"."))


class UploadForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(label=_("E-postmeddelande (.eml eller .msg)"),
                           error_messages={"required": _("Välj en fil att ladda upp.")})
