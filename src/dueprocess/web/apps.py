from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dueprocess.web"
    label = "web"
    verbose_name = "Web"
