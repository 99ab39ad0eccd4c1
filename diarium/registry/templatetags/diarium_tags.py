"""Template helpers for the site frame and the register pages."""

from django import template

from diarium.accounts import access as roles

register = template.Library()


@register.simple_tag
def may_register_cases(user) -> bool:
    """Whether to offer "Registrera ärende" (a role that registers cases somewhere)."""
    grants = roles.grants_for(user)
    organisations, organs = grants.organ_ids_with(roles.REGISTER_CASE)
    return grants.superuser or bool(organisations or organs)

