"""Admin for reference data. Cases and documents are changed only through the
services (which write the history), so they are read-only here."""

from django.contrib import admin

from .models import Case, Classification, Document, Event, Series, SeriesCounter


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "organisation"]
    filter_horizontal = ["organs"]


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "retention", "organisation"]
    search_fields = ["code", "title"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
