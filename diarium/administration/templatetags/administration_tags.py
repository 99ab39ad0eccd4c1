"""Template helpers for the site frame: whether to offer the administration.

Registered here, above accounts, so that core's base.html can ask without core
importing accounts (as registry's diarium_tags does for may_register_cases)."""

from django import template

from diarium.accounts import access

register = template.Library()


@register.simple_tag
def administers_any(user) -> bool:
    """Whether the user administers some organisation (the admin role for a whole
    organisation, or a superuser where there is one)."""
    grants = access.grants_for(user)
    organisation_ids, _organs = grants.organ_ids_with(access.ADMINISTER)
    return grants.superuser or bool(organisation_ids)
