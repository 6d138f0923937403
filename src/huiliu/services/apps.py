from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "huiliu.services"
    label = "services"
    verbose_name = "服务"

    def ready(self):
        # Offers follow a confirmed birth registration (a lower app's event).
        from . import birth_offers  # noqa: F401
