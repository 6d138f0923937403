from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "huiliu.linkage"
    label = "linkage"
    verbose_name = "记录关联"
