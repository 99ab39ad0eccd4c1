"""The desk's forms: only parsing; the rules are the services'."""

from __future__ import annotations

from django import forms

from .models import NotificationKind, NotificationMode


class NotificationSettingsForm(forms.Form):
    """One choice per kind of notification: immediately, daily, never."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(label=label, choices=NotificationMode.choices,
                                                  initial=NotificationMode.IMMEDIATE, widget=forms.RadioSelect)
