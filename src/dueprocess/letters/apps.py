from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "dueprocess.letters"
    label = "letters"
    verbose_name = "Letters and deadlines"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dueprocess.cases.signals import step_taken
        from dueprocess.letters.outbox import on_step

        step_taken.connect(on_step, dispatch_uid="letters.outbox")
