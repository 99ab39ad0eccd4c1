"""Admin for reference data. Cases and documents are changed only through the
services (which write the history), so they are read-only here."""

from django.contrib import admin

from .models import Case, Classification, Document, Event, Series, SeriesCounter


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "organisation"]
    filter_horizontal = ["organs"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Classification)
class ClassificationAdmin(ReadOnlyAdmin):
    """Read-only: the scheme is kept on /klassificering/ (services.classification),
    which keeps the hierarchy's rules and writes each change to the history."""

    list_display = ["code", "title", "level", "active", "organisation"]
    list_filter = ["level", "active"]
    search_fields = ["code", "title"]


@admin.register(SeriesCounter)
class SeriesCounterAdmin(ReadOnlyAdmin):
    list_display = ["series", "year", "last_seq"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["diary_number", "title", "organ", "status", "registered_at"]
    list_select_related = ["organ"]
    search_fields = ["diary_number", "title"]
    show_full_result_count = False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "direction", "document_date", "is_secret"]
    list_select_related = ["case"]
    raw_id_fields = ["case"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "case", "actor_name"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "document"]
