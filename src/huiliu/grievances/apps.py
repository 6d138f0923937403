from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "huiliu.grievances"
    label = "grievances"
    verbose_name = "投诉与建议"
