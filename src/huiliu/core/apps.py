from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huiliu.core"
    label = "core"
