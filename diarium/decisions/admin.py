"""Memberships are reference data kept in the admin; meetings and decisions
change only through the services (web pages and API), so they are read-only here."""

from django.contrib import admin

from diarium.core.admin import ReadOnlyAdmin

from .models import Decision, Meeting, Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "organ", "role", "party", "start", "end"]
    list_filter = ["organ", "role"]
    search_fields = ["person__name", "party"]
    list_select_related = ["person", "organ"]
    autocomplete_fields = []


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["organ", "date", "status", "place"]
    list_filter = ["organ", "status"]
    list_select_related = ["organ"]
    exclude = ["adjusters"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "title", "outcome", "status"]
    list_filter = ["organ", "status", "outcome"]
    search_fields = ["title", "text"]
    list_select_related = ["organ", "meeting"]
    exclude = ["participants", "references"]
