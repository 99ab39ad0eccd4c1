from django.urls import path

from . import views

app_name = "reading"

urlpatterns = [
    path("inlasning/", views.index, name="index"),
    path("inlasning/<int:pk>/", views.proposal, name="proposal"),
    path("inlasning/<int:pk>/fil/", views.proposal_file, name="proposal_file"),
]
