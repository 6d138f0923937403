from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "huiliu.fund"
    label = "fund"
    verbose_name = "幸福工程"
