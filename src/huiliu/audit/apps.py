from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "huiliu.audit"
    label = "audit"
    verbose_name = "审计"
