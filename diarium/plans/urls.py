from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("styrdokument/", views.plan_list, name="plan_list"),
    path("arenden/<int:case_pk>/styrdokument/nytt/", views.plan_create, name="plan_create"),
    path("styrdokument/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("styrdokument/<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("styrdokument/<int:pk>/struktur/", views.plan_structure, name="plan_structure"),
    path("styrdokument/<int:pk>/malomraden/ny/", views.focus_area_form, name="focus_area_add"),
    path("malomraden/<int:pk>/", views.focus_area_form_edit, name="focus_area_edit"),
    path("malomraden/<int:pk>/mal/nytt/", views.goal_form, name="goal_add"),
    path("mal/<int:pk>/", views.goal_form_edit, name="goal_edit"),
    path("mal/<int:pk>/indikatorer/ny/", views.indicator_form, name="indicator_add"),
    path("indikatorer/<int:pk>/", views.indicator_form_edit, name="indicator_edit"),
    path("mal/<int:pk>/aktiviteter/ny/", views.action_form, name="action_add"),
    path("aktiviteter/<int:pk>/", views.action_form_edit, name="action_edit"),
    path("styrdokument/<int:pk>/ta-bort/", views.structure_delete, name="structure_delete"),
    path("styrdokument/<int:pk>/anta/", views.plan_adopt, name="plan_adopt"),
    path("styrdokument/<int:pk>/versioner/", views.plan_versions, name="plan_versions"),
    path("styrdokument/<int:pk>/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("styrdokument/<int:pk>/import/", views.plan_import, name="plan_import"),
    path("styrdokument/<int:pk>/uppfoljningar/ny/", views.follow_up_open, name="follow_up_open"),
    path("uppfoljningar/<int:pk>/", views.follow_up_detail, name="follow_up_detail"),
    path("uppfoljningar/<int:pk>/svara/", views.follow_up_answer, name="follow_up_answer"),
    path("uppfoljningar/<int:pk>/rapport/", views.follow_up_report, name="follow_up_report"),
    path("uppfoljningar/<int:pk>/avsluta/", views.follow_up_close, name="follow_up_close"),
    path("uppfoljningar/<int:pk>/till-sammantrade/", views.report_to_agenda, name="report_to_agenda"),
]
