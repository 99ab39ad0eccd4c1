from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("inkorg/", views.inbox, name="inbox"),
    path("inkorg/<int:pk>/", views.item, name="item"),
    path("inkorg/<int:pk>/meddelande.eml", views.message, name="message"),
    path("inkorg/<int:pk>/bilagor/<int:index>/", views.attachment, name="attachment"),
    path("inkorg/brevlador/<int:pk>/las/", views.mailbox_poll, name="mailbox_poll"),
]
