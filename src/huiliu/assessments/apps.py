from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "huiliu.assessments"
    label = "assessments"
    verbose_name = "目标管理考核"
