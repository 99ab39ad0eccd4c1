"""Read-only views of remiss rounds for administrators. Rounds change only
through the services (the web pages and the API), so the history stays whole."""

from django.contrib import admin

from diarium.core.admin import ReadOnlyAdmin

from .models import RemissRecipient, RemissRound


class RecipientInline(admin.TabularInline):
    model = RemissRecipient
    fields = ["position", "name", "email", "deadline", "dispatch", "sent_at", "answered_at", "declined", "late"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RemissRound)
class RemissRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "case", "status", "deadline", "sent_at"]
    list_filter = ["status"]
    search_fields = ["title", "case__diary_number"]
    list_select_related = ["case"]
    readonly_fields = ["case", "title", "letter", "deadline", "ordered_by", "dispatch_mode", "status", "sent_at",
                       "closed_at", "reminder_days_before", "grace_days"]
    exclude = ["files", "compilation_document", "revised_file", "created_by", "organisation"]
    inlines = [RecipientInline]
