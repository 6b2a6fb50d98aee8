"""The staff web app: thin views over the services and queries."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dueprocess.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dueprocess.web import checks  # noqa: F401  (registers the deployment checks)
        from dueprocess.web.mfa import refuse_code_replay_over_the_grace_window
        from dueprocess.web.sessions import mark_signed_in

        refuse_code_replay_over_the_grace_window()

        user_logged_in.connect(mark_signed_in, dispatch_uid="dueprocess.web.mark_signed_in")
