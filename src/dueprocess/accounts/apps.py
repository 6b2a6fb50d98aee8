from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dueprocess.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from dueprocess.accounts import signins

        signins.connect()
