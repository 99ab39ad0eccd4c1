from django.contrib import admin
from django.urls import include, path

from diarium.accounts.selectors import organisation_names

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("konto/", include("diarium.accounts.urls")),
    path("", include("diarium.accounts.urls_sites")),  # the organisations' sites, their stylesheets
    path("", include("diarium.remiss.urls")),
    path("", include("diarium.decisions.urls")),
    path("", include("diarium.documents.urls")),
    path("", include("diarium.plans.urls")),
    path("", include("diarium.intake.urls")),
    path("", include("diarium.desk.urls")),
    path("", include("diarium.archive.urls")),
    path("organisation/", include("diarium.administration.urls")),
    path("", include("diarium.reading.urls")),
    path("", include("diarium.registry.urls")),
    path("", include("diarium.opendata.urls")),
    # The site's own pages; core imports no app above it, so what they show of
    # the organisations is passed in here.
    path("", include("diarium.core.urls"), {"organisation_names": organisation_names}),
    path("", include("diarium.search.urls")),
]
