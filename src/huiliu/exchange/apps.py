from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "huiliu.exchange"
    label = "exchange"
    verbose_name = "信息交换"

    def ready(self):
        # Subscribes the automatic notices to the registry's domain events.
        from . import document_notices, notices, service_reports  # noqa: F401
