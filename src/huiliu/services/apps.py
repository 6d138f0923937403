from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "huiliu.services"
    label = "services"
    verbose_name = "服务"
