from django.apps import AppConfig


class JurisdictionsConfig(AppConfig):
    name = "huiliu.jurisdictions"
    label = "jurisdictions"
    verbose_name = "行政区划"
