"""WSGI entry point for any WSGI server (waitress is used by ``dueprocess serve``)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from dueprocess.lib.datadir import private_umask

private_umask()  # under any WSGI server too: the database and keys are for this user only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dueprocess.settings")
# The static files are served from the package (WhiteNoise's finders) until ``collectstatic``
# fills STATIC_ROOT; an absent directory would only make WhiteNoise warn on every start.
Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
application = get_wsgi_application()
