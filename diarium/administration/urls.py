"""/organisation/<slug>/…: the organisation administrator's screens.

views_accounts.py: the organisation's settings and public site, organs, users and
roles, identity providers and group-role mappings.
views_registry.py: series and number formats, classifications, document types,
members of the organs, mailboxes and mail settings."""

from django.urls import include, path

from . import urls_accounts, urls_registry, views

app_name = "administration"
urlpatterns = [
    path("", views.organisation_choice, name="choice"),
    path("<slug:org>/", views.overview, name="overview"),
    path("<slug:org>/", include(urls_accounts.urlpatterns)),
    path("<slug:org>/", include(urls_registry.urlpatterns)),
]
