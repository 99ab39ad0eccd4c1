from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("floden/", views.index, name="index"),
    path("floden/diariet.atom", views.register_feed, name="register_feed"),
    path("floden/organ/<str:code>/beslut.atom", views.decision_feed, name="decision_feed"),
    path("floden/organ/<str:code>/protokoll.atom", views.minutes_feed, name="minutes_feed"),
    path("kalender/organ/<str:code>.ics", views.meeting_calendar, name="meeting_calendar"),
]

# OParl 1.1 (diarium/opendata/oparl/)
from . import oparl  # noqa: E402

urlpatterns += [
    path("oparl/v1.1/", oparl.system, name="oparl_system"),
    path("oparl/v1.1/body/", oparl.body_list, name="oparl_body_list"),
    path("oparl/v1.1/body/<int:pk>/", oparl.body, name="oparl_body"),
    path("oparl/v1.1/body/<int:pk>/<str:kind>/", oparl.body_sublist, name="oparl_list"),
    path("oparl/v1.1/organization/<int:pk>/meeting/", oparl.organization_meetings,
         name="oparl_organization_meetings"),
    path("oparl/v1.1/<str:kind>/<int:pk>/", oparl.obj, name="oparl_object"),
]

# Open data: the DCAT-AP-SE catalogue and the bulk downloads (issue 7, items 5 and 6).
from . import dcat, dumps  # noqa: E402

urlpatterns += [
    path("datasets/dcat", dcat.catalogue_view, name="dcat"),
    path("datasets/<slug:name>.csv", dumps.dump_view, {"fmt": "csv"}, name="dataset_csv"),
    path("datasets/<slug:name>.json", dumps.dump_view, {"fmt": "json"}, name="dataset_json"),
]
