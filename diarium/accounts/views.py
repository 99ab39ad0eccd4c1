"""Login and logout with Swedish pages. django-axes counts failed logins and
answers with accounts/locked_out.html once the limit is reached."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import selectors
from .backends import LOCAL_PASSWORD_REFUSED


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Användarnamn"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Lösenord"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Fel användarnamn eller lösenord. Observera att båda fälten skiljer på stora och "
                           "små bokstäver."),
        "inactive": _("Kontot är inaktiverat."),
        "local_password_off": _("Din organisation har stängt av inloggning med lösenord i Diarium. Logga in med "
                                "organisationens inloggningstjänst i stället (knappen nedan)."),
    }

    def get_invalid_login_error(self):
        # Only a right password reaches this answer (diarium/accounts/backends.py).
        if getattr(self.request, LOCAL_PASSWORD_REFUSED, False):
            return ValidationError(self.error_messages["local_password_off"], code="local_password_off")
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from .sites import site_for, site_organisation

        context = super().get_context_data(**kwargs)
        # Django's LoginView puts its own "site" (a RequestSite) in the context: base.html's
        # `site` is the organisation's site (diarium/accounts/sites.py), or none.
        organisation = site_organisation(self.request)
        context["site"] = site_for(organisation) if organisation is not None else None
        context.pop("site_name", None)
        next_url = context.get("next") or ""
        query = "?" + urlencode({"next": next_url}) if next_url else ""
        context["identity_providers"] = [
            (provider, reverse("accounts:sso_start", args=[provider.slug]) + query)
            for provider in selectors.identity_providers_for_login(organisation=organisation)
        ]
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# Logout is a POST (Django's LogoutView) and returns to LOGOUT_REDIRECT_URL.
LogoutView = auth_views.LogoutView
