from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "dueprocess.rulebook"
    label = "rulebook"
    verbose_name = "Rulebook"
