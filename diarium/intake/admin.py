"""Admin of the function mailboxes (the inbox's messages are handled in the
inbox itself, never here). The password is write-only: left empty when
changing a mailbox, the stored one is kept."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Mailbox


class MailboxForm(forms.ModelForm):
    password = forms.CharField(label=Mailbox._meta.get_field("password").verbose_name, required=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=_("Lämna tomt för att behålla det sparade lösenordet."))

    class Meta:
        model = Mailbox
        fields = ["organisation", "name", "host", "port", "security", "username", "password", "folder",
                  "done_folder", "organ", "active"]

    def clean_password(self):
        password = self.cleaned_data.get("password") or ""
        if not password and self.instance.pk is None:
            raise forms.ValidationError(_("Ange lösenordet."))
        return password or self.instance.password


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "organisation", "username", "host", "active", "polled_at", "poll_error"]
    list_select_related = ["organisation"]
    readonly_fields = ["polled_at", "poll_error", "poll_error_at", "last_uid", "uid_validity"]
