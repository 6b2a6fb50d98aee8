from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "dueprocess.evidence"
    label = "evidence"
    verbose_name = "Evidence files"
