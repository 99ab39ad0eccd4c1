from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("sok/", views.search, name="search"),
    path("sok/spara/", views.save, name="save"),
    path("sok/sparade/", views.saved_list, name="saved_list"),
    path("sok/sparade/<int:pk>/", views.saved_detail, name="saved_detail"),
    path("sok/sparade/<int:pk>/e-post/", views.saved_alerts, name="saved_alerts"),
    path("sok/sparade/<int:pk>/ta-bort/", views.saved_delete, name="saved_delete"),
    path("sok/bevaka/", views.subscribe, name="subscribe"),
    path("sok/bevaka/skickad/", views.subscribe_sent, name="subscribe_sent"),
    path("sok/bevaka/bekrafta/<str:token>/", views.subscription_confirm, name="subscription_confirm"),
    path("sok/bevaka/avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
