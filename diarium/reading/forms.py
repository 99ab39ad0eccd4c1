"""Forms of the review screen. They only carry text: every field of a
reading is taken as written and the service (services.values) says what is
wrong with it, every problem at once, so the registrar sees them all in one
go. Lists are one value per line, or rows (a formset) where a row has parts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.registry.forms import DateInput, DomainErrorFormMixin, MultipleFileField

from .models import PROBLEM_MAX, ImportProposal, Kind
from .services.meetings import section_text


class TimeInput(forms.TimeInput):
    input_type = "time"


def _lines(value) -> str:
    return "\n".join(str(v) for v in value) if isinstance(value, list) else (value or "")


def _text(value) -> str:
    return "" if value is None else str(value)


class UploadForm(forms.Form):
    # An empty file is read too: the reader reports it, as it reports every file it cannot read.
    files = MultipleFileField(label=_("Filer att läsa in"), required=True, allow_empty_file=True,
                              help_text=_("En eller flera filer: PDF, Word (DOCX) eller text."))

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if not files:
            raise forms.ValidationError(_("Välj minst en fil att läsa in."))
        return files


class RejectForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(label=_("Varför avvisas förslaget?"), required=False, max_length=PROBLEM_MAX,
                             widget=forms.Textarea(attrs={"rows": 2}))


class _RowForm(DomainErrorFormMixin, forms.Form):
    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("DELETE") and any((data.get(name) or "").strip() for name in self.fields
                                              if name != "DELETE")


class ReferenceForm(_RowForm):
    organ = forms.CharField(label=_("Organ"), required=False)
    date = forms.CharField(label=_("Datum"), required=False, widget=DateInput())
    paragraph = forms.CharField(label=_("Paragraf"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}))
    diary_number = forms.CharField(label=_("Diarienummer"), required=False)
    text = forms.CharField(label=_("Hänvisningen som den är skriven"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ProposalRowForm(_RowForm):
    organ = forms.CharField(label=_("Till organ"), required=False)
    text = forms.CharField(label=_("Förslag"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    condition = forms.CharField(label=_("Villkor"), required=False)


class SignatoryForm(_RowForm):
    name = forms.CharField(label=_("Namn"), required=False)
    title = forms.CharField(label=_("Titel"), required=False)


class ItemForm(_RowForm):
    number = forms.CharField(label=_("Nummer"), required=False,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))
    paragraph = forms.CharField(label=_("Paragraf"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}))
    diary_number = forms.CharField(label=_("Diarienummer"), required=False)
    title = forms.CharField(label=_("Rubrik"), required=False)
    text = forms.CharField(label=_("Beslut"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Tomt: beslutet hämtas ur handlingens text under paragrafen."))


class SubstituteForm(_RowForm):
    name = forms.CharField(label=_("Tjänstgörande ersättare"), required=False)
    replaces = forms.CharField(label=_("Ersätter"), required=False)


def _formset(form, prefix):
    return forms.formset_factory(form, extra=1, can_delete=True, max_num=500, absolute_max=600), prefix


ROWS = {
    "references": _formset(ReferenceForm, "hanvisning"),
    "proposals": _formset(ProposalRowForm, "forslag"),
    "signatories": _formset(SignatoryForm, "underskrift"),
    "items": _formset(ItemForm, "punkt"),
    "substitutes": _formset(SubstituteForm, "ersattare"),
}


class ReviewForm(DomainErrorFormMixin, forms.Form):
    """The proposal's single values; its rows are the formsets of `review_forms`."""

    kind = forms.ChoiceField(label=_("Slag av handling"), choices=Kind.choices, required=False)
    organisation = forms.CharField(label=_("Organisation"), required=False)
    organ = forms.CharField(label=_("Organ"), required=False)
    date = forms.CharField(label=_("Datum"), required=False, widget=DateInput())
    title = forms.CharField(label=_("Ärendemening eller rubrik"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    diary_numbers = forms.CharField(label=_("Diarienummer"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Ett per rad. Handlingen registreras i ärendet med det första."))
    officers = forms.CharField(label=_("Handläggare"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("En per rad."))
    remiss_recipients = forms.CharField(label=_("Remissinstanser"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("En per rad."))
    remiss_deadline = forms.CharField(label=_("Sista svarsdag"), required=False, widget=DateInput())
    recipients = forms.CharField(label=_("Beslutet skickas till"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}), help_text=_("En mottagare per rad."))
    place = forms.CharField(label=_("Plats"), required=False)
    start_time = forms.CharField(label=_("Klockan"), required=False, widget=TimeInput())
    end_time = forms.CharField(label=_("Till klockan"), required=False, widget=TimeInput())
    chair = forms.CharField(label=_("Ordförande"), required=False)
    adjusters = forms.CharField(label=_("Justerare"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("En per rad."))
    members = forms.CharField(label=_("Beslutande ledamöter"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}), help_text=_("En per rad, ordföranden med."))
    others = forms.CharField(label=_("Övriga närvarande"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("En per rad: ersättare som inte tjänstgör, tjänstepersoner, sekreteraren."))
    paragraphs = forms.CharField(label=_("Paragrafer"), required=False,
                                 help_text=_("Till exempel ”101–115, 117”."))
    posted_from = forms.CharField(label=_("Anslaget sattes upp"), required=False, widget=DateInput())
    posted_to = forms.CharField(label=_("Anslaget togs ned"), required=False, widget=DateInput())

    def values(self, rows: dict) -> dict:
        """The reading's shape (docs/READING.md) from the form and its rows."""
        d = self.cleaned_data

        def lines(name):
            return [line.strip() for line in (d.get(name) or "").splitlines() if line.strip()]

        def kept(name):
            return [f.cleaned_data for f in rows[name].forms if f.has_content()]

        remiss = None
        if lines("remiss_recipients") or d.get("remiss_deadline"):
            remiss = {"recipients": lines("remiss_recipients"), "deadline": d.get("remiss_deadline") or None}
        attendance = None
        substitutes = [{"name": r.get("name", ""), "for": r.get("replaces", "")} for r in kept("substitutes")]
        if lines("members") or lines("others") or substitutes:
            attendance = {"members": lines("members"), "substitutes": substitutes, "others": lines("others")}
        posted = None
        if d.get("posted_from") or d.get("posted_to"):
            posted = {"from": d.get("posted_from") or None, "to": d.get("posted_to") or None}
        return {
            "kind": d.get("kind") or None, "organisation": d.get("organisation"), "organ": d.get("organ"),
            "date": d.get("date") or None, "title": d.get("title"), "diary_numbers": lines("diary_numbers"),
            "officers": lines("officers"),
            "references": [{k: r.get(k) for k in ("organ", "date", "paragraph", "diary_number", "text")}
                           for r in kept("references")],
            "proposals": [{k: r.get(k) for k in ("organ", "text", "condition")} for r in kept("proposals")],
            "remiss": remiss, "recipients": lines("recipients"),
            "signatories": [{"name": r.get("name"), "title": r.get("title")} for r in kept("signatories")],
            "items": [{k: r.get(k) for k in ("number", "paragraph", "diary_number", "title", "text")}
                      for r in kept("items")],
            "attendance": attendance, "chair": d.get("chair"), "adjusters": lines("adjusters"),
            "paragraphs": d.get("paragraphs") or "", "posted": posted,
            "place": d.get("place"), "start_time": d.get("start_time") or None, "end_time": d.get("end_time") or None,
        }


def review_initial(values: dict, extra: dict) -> tuple[dict, dict[str, list[dict]]]:
    """The form's and its rows' initial data from a reading's values (and its extra)."""
    remiss = values.get("remiss") if isinstance(values.get("remiss"), dict) else {}
    attendance = values.get("attendance") if isinstance(values.get("attendance"), dict) else {}
    posted = values.get("posted") if isinstance(values.get("posted"), dict) else {}
    paragraphs = values.get("paragraphs")
    initial = {
        "kind": values.get("kind") or Kind.OTHER, "organisation": _text(values.get("organisation")),
        "organ": _text(values.get("organ")), "date": _text(values.get("date")), "title": _text(values.get("title")),
        "diary_numbers": _lines(values.get("diary_numbers")), "officers": _lines(values.get("officers")),
        "remiss_recipients": _lines(remiss.get("recipients")), "remiss_deadline": _text(remiss.get("deadline")),
        "recipients": _lines(values.get("recipients")),
        "place": _text(values.get("place", extra.get("place"))),
        "start_time": _text(values.get("start_time", extra.get("start_time"))),
        "end_time": _text(values.get("end_time", extra.get("end_time"))),
        "chair": _text(values.get("chair")), "adjusters": _lines(values.get("adjusters")),
        "members": _lines(attendance.get("members")), "others": _lines(attendance.get("others")),
        "paragraphs": ", ".join(str(p) for p in paragraphs) if isinstance(paragraphs, list) else _text(paragraphs),
        "posted_from": _text(posted.get("from")), "posted_to": _text(posted.get("to")),
    }

    def rows(name, keys, rename=None):
        out = []
        for row in values.get(name) or []:
            if isinstance(row, dict):
                out.append({key: _text(row.get((rename or {}).get(key, key))) for key in keys})
        return out

    return initial, {
        "references": rows("references", ("organ", "date", "paragraph", "diary_number", "text")),
        "proposals": rows("proposals", ("organ", "text", "condition")),
        "signatories": rows("signatories", ("name", "title")),
        "items": rows("items", ("number", "paragraph", "diary_number", "title", "text")),
        "substitutes": [{"name": _text(s.get("name")), "replaces": _text(s.get("for"))}
                        for s in attendance.get("substitutes") or [] if isinstance(s, dict)],
    }


def review_forms(proposal: ImportProposal, data=None) -> tuple[ReviewForm, dict]:
    """The review form and its rows: bound to `data` (a POST), else filled
    from the values accepted or, before that, from the reading."""
    if data is not None:
        form = ReviewForm(data, prefix="f")
        rows = {name: cls(data, prefix=prefix) for name, (cls, prefix) in ROWS.items()}
        return form, rows
    values = proposal.values or proposal.values_read
    initial, row_initial = review_initial(values, (proposal.reading or {}).get("extra") or {})
    if values.get("kind") in (Kind.MINUTES, Kind.MINUTES_EXCERPT):
        # Each paragraph's decision as the document writes it, for the registrar to check.
        paragraphs = [int(r["paragraph"]) for r in row_initial["items"] if r["paragraph"].isdigit()]
        for row in row_initial["items"]:
            if not row["text"] and row["paragraph"].isdigit():
                row["text"] = section_text(proposal.text, int(row["paragraph"]), paragraphs)
    form = ReviewForm(initial=initial, prefix="f")
    rows = {name: cls(initial=row_initial[name], prefix=prefix) for name, (cls, prefix) in ROWS.items()}
    return form, rows
