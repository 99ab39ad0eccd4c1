from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("arkiv/", views.index, name="index"),
    path("arkiv/dokumenthanteringsplan/", views.plan, name="plan"),
    path("arkiv/dokumenthanteringsplan/utkast/", views.draft, name="draft"),
    path("arkiv/dokumenthanteringsplan/<int:pk>/", views.version_detail, name="version_detail"),
    path("arkiv/dokumenthanteringsplan/<int:pk>/regler/<int:rule_pk>/", views.rule_edit, name="rule_edit"),
    path("arkiv/gallringsbart/", views.due, name="due"),
    path("arkiv/gallringsforteckningar/", views.lists, name="lists"),
    path("arkiv/gallringsforteckningar/<int:pk>/", views.list_detail, name="list_detail"),
    path("arkiv/gallringsredovisning/", views.records, name="records"),
    path("arkiv/gallringssparrar/", views.holds, name="holds"),
    path("arkiv/gallringssparrar/<int:pk>/ta-bort/", views.hold_lift, name="hold_lift"),
]
