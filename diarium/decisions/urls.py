from django.urls import path

from . import views, views_adjustment, views_members, views_votes

app_name = "decisions"
urlpatterns = [
    path("sammantraden/", views.meeting_list, name="meeting_list"),
    path("sammantraden/nytt/", views.meeting_create, name="meeting_create"),
    path("sammantraden/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("sammantraden/<int:pk>/<str:kind>.pdf", views.meeting_document, name="meeting_document"),
    path("organ/<int:pk>/ledamoter/", views.organ_members, name="organ_members"),
    path("sammantraden/<int:pk>/punkter/ny/", views.agenda_item_add, name="agenda_item_add"),
    path("sammantraden/<int:pk>/punkter/<int:item_pk>/flytta/", views.agenda_item_move, name="agenda_item_move"),
    path("sammantraden/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("sammantraden/<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("sammantraden/<int:pk>/jav/", views.conflict_declare, name="conflict_declare"),
    path("sammantraden/<int:pk>/punkter/<int:item_pk>/", views_votes.item_handling, name="item_handling"),
    path("sammantraden/<int:pk>/punkter/<int:item_pk>/handlaggning/", views_votes.item_handling_post,
         name="item_handling_post"),
    path("sammantraden/<int:pk>/beslut/nytt/", views.decision_record, name="decision_record"),
    path("sammantraden/<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("sammantraden/<int:pk>/protokoll/uppratta/", views_adjustment.minutes_prepare, name="minutes_prepare"),
    path("mina-sammantraden/<int:pk>/justera/", views_adjustment.minutes_signing, name="minutes_signing"),
    path("beslut/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("beslut/<int:pk>/andra/", views.decision_edit, name="decision_edit"),
    path("beslut/<int:pk>/rattelse/", views.decision_correct, name="decision_correct"),
    path("beslut/<int:pk>/reservation/", views_votes.reservation_add, name="reservation_add"),
    path("beslut/<int:pk>/expediera/", views.decision_dispatch, name="decision_dispatch"),
    path("arenden/<int:case_pk>/tjansteskrivelse/ny/", views.officer_report_create, name="officer_report_create"),
    path("forslag/<int:pk>/till-sammantrade/", views.proposal_to_agenda, name="proposal_to_agenda"),
    path("mina-sammantraden/", views_members.my_meetings, name="my_meetings"),
    path("mina-sammantraden/<int:pk>/", views_members.member_meeting, name="member_meeting"),
    path("mina-sammantraden/<int:pk>/anteckningar/<int:document_pk>/", views_members.reading_note_save,
         name="reading_note_save"),
    path("anslagstavla/", views.notice_board, name="notice_board"),
    path("uppdrag/", views.assignment_list, name="assignment_list"),
    path("uppdrag/<int:pk>/", views.assignment_detail, name="assignment_detail"),
]
