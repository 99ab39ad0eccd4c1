from django.urls import path

from . import views_sites

app_name = "sites"
urlpatterns = [
    path("webbplatser/", views_sites.site_list, name="site_list"),
    path("o-stil/<slug:slug>.css", views_sites.stylesheet, name="stylesheet"),
    path("o-logo/<slug:slug>/<str:name>", views_sites.logo, name="logo"),
]
