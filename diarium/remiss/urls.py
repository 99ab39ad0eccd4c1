from django.urls import path

from . import views

app_name = "remiss"
urlpatterns = [
    path("remisser/", views.overview, name="overview"),
    path("arenden/<int:case_pk>/remisser/ny/", views.round_create, name="round_create"),
    path("remisser/<int:pk>/", views.round_detail, name="round_detail"),
    path("remisser/<int:pk>/skicka/", views.round_send, name="round_send"),
    path("remisser/<int:pk>/ta-bort/", views.round_discard, name="round_discard"),
    path("remisser/<int:pk>/skicka-igen/", views.round_retry, name="round_retry"),
    path("remisser/<int:pk>/paminn/", views.round_remind, name="round_remind"),
    path("remisser/<int:pk>/forlang/", views.round_extend, name="round_extend"),
    path("remisser/<int:pk>/avsluta/", views.round_close, name="round_close"),
    path("remisser/<int:pk>/sammanstallning/", views.round_compile, name="round_compile"),
    path("remisser/<int:pk>/revidera/", views.round_revise, name="round_revise"),
    path("remisser/<int:pk>/instanser/<int:recipient_pk>/svar/", views.answer_inside, name="answer_inside"),
    path("remisser/<int:pk>/instanser/<int:recipient_pk>/lank/", views.recipient_link, name="recipient_link"),
    path("remissvar/<str:token>/", views.answer, name="answer"),
    path("remissvar/<str:token>/filer/<int:file_pk>/", views.answer_file, name="answer_file"),
]
