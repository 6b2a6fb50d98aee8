"""WSGI entry point for any WSGI server (waitress is used by ``dueprocess serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
application = get_wsgi_application()
