from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huiliu.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self):
        # Authentication events come from Django and django-axes as signals;
        # listening to them is the only way to audit logins that never reach our views.
        from . import login_audit, sessions  # noqa: F401
