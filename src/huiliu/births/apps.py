from django.apps import AppConfig


class BirthsConfig(AppConfig):
    name = "huiliu.births"
    label = "births"
    verbose_name = "生育登记"
