from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "huiliu.people"
    label = "people"
    verbose_name = "人员"
