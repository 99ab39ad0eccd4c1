from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Organ, Organisation, Person, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organ"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "diary_number_format"]
    search_fields = ["name"]


@admin.register(Organ)
class OrganAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "organisation"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "code"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organ", "organisation", "user"]
    list_filter = ["organisation"]
    search_fields = ["name", "title"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at"]


def _installation_superusers_only(request) -> bool:
    """Django's /admin/ is the installation's own: for superusers only. A staff
    flag alone no longer opens it; an organisation's administrators keep their
    organisation at /organisation/<kortnamn>/ (diarium.administration)."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


# The default site serves /admin/ (config/urls.py); its rule is replaced on the instance,
# so that every ModelAdmin registered on it, by any app, is behind the same door.
admin.site.has_permission = _installation_superusers_only
