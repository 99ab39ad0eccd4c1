from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("tjansteskrivelser/<int:pk>/andra/", views.officer_report_edit, name="officer_report_edit"),
    path("arenden/<int:case_pk>/tjansteskrivelse/forhandsgranska/", views.officer_report_preview_new,
         name="officer_report_preview_new"),
    path("filer/<int:pk>/signera/", views.document_file_sign, name="document_file_sign"),
    path("sammantraden/<int:meeting_pk>/expediera-utdrag/", views.meeting_excerpts_dispatch,
         name="meeting_excerpts_dispatch"),
    path("generering/<int:pk>/", views.generation_batch_detail, name="generation_batch"),
    path("generering/<int:pk>/status.json", views.generation_batch_status, name="generation_batch_status"),
]
