from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "huiliu.community"
    label = "community"
    verbose_name = "社区共建"
