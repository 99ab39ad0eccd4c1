"""Screens for the organisation's settings, organs, users, roles and identity providers (views_accounts.py)."""

from django.urls import path

from . import views_accounts as views

urlpatterns: list = [
    path("installningar/", views.settings_edit, name="settings"),
    path("organ/", views.organ_list, name="organ_list"),
    path("organ/nytt/", views.organ_add, name="organ_add"),
    path("organ/<int:pk>/", views.organ_edit, name="organ_edit"),
    path("organ/<int:pk>/ta-bort/", views.organ_delete, name="organ_delete"),
    path("anvandare/", views.user_list, name="user_list"),
    path("anvandare/ny/", views.user_add, name="user_add"),
    path("anvandare/<int:pk>/", views.user_detail, name="user_detail"),
    path("anvandare/<int:pk>/status/", views.user_status, name="user_status"),
    path("anvandare/<int:pk>/roller/<int:role_pk>/ta-bort/", views.role_revoke, name="role_revoke"),
    path("identitetsleverantorer/", views.provider_list, name="provider_list"),
    path("identitetsleverantorer/ny/", views.provider_add, name="provider_add"),
    path("identitetsleverantorer/<int:pk>/", views.provider_edit, name="provider_edit"),
    path("identitetsleverantorer/<int:pk>/aktiv/", views.provider_enabled, name="provider_enabled"),
    path("rollmappningar/", views.mapping_list, name="mapping_list"),
    path("rollmappningar/<int:pk>/ta-bort/", views.mapping_delete, name="mapping_delete"),
]
