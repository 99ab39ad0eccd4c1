"""Login and logout with Swedish pages. django-axes counts failed logins and
answers with accounts/locked_out.html once the limit is reached."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Användarnamn"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Lösenord"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Fel användarnamn eller lösenord. Observera att båda fälten skiljer på stora och "
                           "små bokstäver."),
        "inactive": _("Kontot är inaktiverat."),
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# Logout is a POST (Django's LogoutView) and returns to LOGOUT_REDIRECT_URL.
LogoutView = auth_views.LogoutView
