from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dueprocess.api"
    label = "api"
    verbose_name = "REST API"
