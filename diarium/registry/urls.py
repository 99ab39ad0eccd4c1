from django.urls import path
from django.views.generic import RedirectView

from . import views, views_bulk, views_classification, views_contacts, views_copies, views_due_dates

app_name = "registry"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:case_list", permanent=False), name="home"),
    path("arenden/", views.case_list, name="case_list"),
    path("arenden/ny/", views.case_register, name="case_register"),
    path("arenden/andra-flera/", views_bulk.case_bulk, name="case_bulk"),
    path("kontakter/", views_contacts.contact_list, name="contact_list"),
    path("klassificering/", views_classification.scheme, name="classification_scheme"),
    path("klassificering/ny/", views_classification.classification_add, name="classification_add"),
    path("klassificering/<int:pk>/andra/", views_classification.classification_edit, name="classification_edit"),
    path("klassificering/importera/", views_classification.scheme_import, name="classification_import"),
    path("klassificering/oklassificerade/", views_classification.unclassified, name="classification_unclassified"),
    path("arenden/<int:pk>/kopplingar/", views.case_links, name="case_links"),
    path("arenden/<int:pk>/", views.case_detail, name="case_detail"),
    path("arenden/<int:pk>/historik/", views.case_history, name="case_history"),
    path("arenden/<int:pk>/bevakningar/", views_due_dates.case_due_dates, name="case_due_dates"),
    path("bevakningar/<int:pk>/klar/", views_due_dates.due_date_done, name="due_date_done"),
    path("arenden/<int:pk>/andra/", views.case_edit, name="case_edit"),
    path("arenden/<int:pk>/avsluta/", views.case_close, name="case_close"),
    path("arenden/<int:pk>/ateroppna/", views.case_reopen, name="case_reopen"),
    path("arenden/<int:pk>/personuppgifter/", views.case_privacy, name="case_privacy"),
    path("granskning/", views.privacy_queue, name="privacy_queue"),
    path("arenden/<int:pk>/handlingar/ny/", views.document_register, name="document_register"),
    path("handlingar/", views.document_list, name="document_list"),
    path("handlingar/<int:pk>/", views.document_detail, name="document_detail"),
    path("handlingar/<int:pk>/begar-ut/", views.document_copy_request, name="document_copy_request"),
    path("handlingar/<int:pk>/begar-ut/mottagen/", views.document_copy_receipt, name="document_copy_receipt"),
    path("handlingar/<int:pk>/begaran/ny/", views_copies.copy_request_register, name="copy_request_register"),
    path("utlamnanden/", views_copies.copy_request_list, name="copy_request_list"),
    path("utlamnanden/<int:pk>/", views_copies.copy_request_detail, name="copy_request_detail"),
    path("utlamnanden/<int:pk>/kopia/", views_copies.copy_request_copy, name="copy_request_copy"),
    path("handlingar/<int:pk>/sekretess/", views.document_secrecy, name="document_secrecy"),
    path("handlingar/<int:pk>/filer/ny/", views.document_file_add, name="document_file_add"),
    path("filer/<int:pk>/", views.file_download, name="file_download"),
]
