from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("diarium.api.urls")),
    path("konto/", include("diarium.accounts.urls")),
    path("", include("diarium.remiss.urls")),
    path("", include("diarium.decisions.urls")),
    path("", include("diarium.documents.urls")),
    path("", include("diarium.plans.urls")),
    path("", include("diarium.registry.urls")),
    path("", include("diarium.opendata.urls")),
    path("", include("diarium.core.urls")),
    path("", include("diarium.search.urls")),
]
