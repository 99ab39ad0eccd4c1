from django.urls import path

from . import views, views_saml, views_sso

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    # Single sign-on (issue 25): start with the organisation's identity provider, and its answers.
    path("sso/<slug:slug>/", views_sso.sso_start, name="sso_start"),
    path("sso/<slug:slug>/oidc/callback/", views_sso.oidc_callback, name="sso_oidc_callback"),
    path("sso/<slug:slug>/saml/login/", views_saml.login, name="saml_login"),
    path("sso/<slug:slug>/saml/acs/", views_saml.acs, name="saml_acs"),
    path("sso/<slug:slug>/saml/metadata/", views_saml.metadata, name="saml_metadata"),
]
