"""WSGI entry point for any WSGI server (waitress is used by ``dueprocess serve``)."""

import os

from django.core.wsgi import get_wsgi_application

from dueprocess.lib.datadir import private_umask

private_umask()  # under any WSGI server too: the database and keys are for this user only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
application = get_wsgi_application()
