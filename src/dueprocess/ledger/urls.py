from django.urls import path

from dueprocess.ledger import views

app_name = "ledger"
urlpatterns = [
    path("checkpoint", views.latest_checkpoint, name="checkpoint"),
    path("vkey", views.verifier_key, name="vkey"),
    path("tile/<path:path>", views.tile, name="tile"),
]
