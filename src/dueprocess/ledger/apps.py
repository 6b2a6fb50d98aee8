from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "dueprocess.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from dueprocess.ledger import state

        state.connect()
