from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "dueprocess.parties"
    label = "parties"
    verbose_name = "Parties"
