from django.contrib import admin

from .models import DocumentStyle, TemplateOverride


@admin.register(DocumentStyle)
class DocumentStyleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "primary_colour"]


@admin.register(TemplateOverride)
class TemplateOverrideAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "updated_at"]
    list_filter = ["name"]
