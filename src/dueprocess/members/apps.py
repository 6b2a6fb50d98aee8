from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dueprocess.members"
    label = "members"
    verbose_name = "Members"
