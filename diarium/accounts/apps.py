from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "diarium.accounts"
    label = "accounts"
    verbose_name = _("Organisationer och behörigheter")

    def ready(self):
        # The API's authentication (diarium.core.api.auth) finds a token's user here.
        from diarium.core.api import auth

        from .selectors import user_for_api_token

        auth.token_user_resolver_register(user_for_api_token)
