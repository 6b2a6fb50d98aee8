from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "dueprocess.cases"
    label = "cases"
    verbose_name = "Cases"
