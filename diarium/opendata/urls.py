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
