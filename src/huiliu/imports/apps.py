from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "huiliu.imports"
    label = "imports"
    verbose_name = "导入导出与清查"
