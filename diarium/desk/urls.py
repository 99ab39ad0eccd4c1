from django.urls import path

from . import views, views_extract, views_statistics

app_name = "desk"

urlpatterns = [
    path("skrivbord/", views.start, name="start"),
    path("skrivbord/forsenade-bevakningar/", views.overdue, name="overdue"),
    path("skrivbord/aviseringar/", views.notification_settings, name="notification_settings"),
    path("statistik/", views_statistics.statistics_page, name="statistics"),
    path("statistik/<slug:table>.csv", views_statistics.statistics_csv, name="statistics_csv"),
    path("registerutdrag/", views_extract.register_extract, name="register_extract"),
]
