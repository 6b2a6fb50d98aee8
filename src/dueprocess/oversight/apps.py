from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "dueprocess.oversight"
    label = "oversight"
    verbose_name = "Oversight"
