from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "huiliu.welfare"
    label = "welfare"
    verbose_name = "奖励扶助与帮扶"
