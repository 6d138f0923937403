from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "huiliu.demo"
    label = "demo"
