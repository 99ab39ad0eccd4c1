"""Screens for series, document types, members and mail settings (views_registry.py). The
classification scheme is kept on the register's own screens (/klassificering/), linked from the overview."""

from django.urls import path

from . import views_registry as v

urlpatterns: list = [
    path("diarieserier/", v.series_list, name="series_list"),
    path("diarieserier/ny/", v.series_add, name="series_add"),
    path("diarieserier/<int:pk>/", v.series_edit, name="series_edit"),
    path("diarieserier/<int:pk>/ta-bort/", v.series_delete, name="series_delete"),
    path("handlingstyper/", v.document_type_list, name="document_type_list"),
    path("handlingstyper/<int:pk>/", v.document_type_edit, name="document_type_edit"),
    path("ledamoter/", v.membership_organs, name="membership_organs"),
    path("ledamoter/<int:organ>/", v.membership_list, name="membership_list"),
    path("ledamoter/<int:organ>/<int:pk>/avsluta/", v.membership_end, name="membership_end"),
    path("brevlador/", v.mailbox_list, name="mailbox_list"),
    path("brevlador/ny/", v.mailbox_add, name="mailbox_add"),
    path("brevlador/<int:pk>/", v.mailbox_edit, name="mailbox_edit"),
    path("brevlador/<int:pk>/lasning/", v.mailbox_active, name="mailbox_active"),
]
