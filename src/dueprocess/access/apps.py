from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "dueprocess.access"
    label = "access"
    verbose_name = "Access"
