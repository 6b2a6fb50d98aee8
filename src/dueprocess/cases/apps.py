from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "dueprocess.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from dueprocess.cases import people_search

        people_search.connect()
