"""WSGI entry point (gunicorn ``foster.config.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foster.config.settings")
application = get_wsgi_application()
