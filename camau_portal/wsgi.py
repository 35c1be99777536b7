"""The WSGI application for gunicorn. It refuses to load on a configuration that must not
serve (camau_portal.checks), so gunicorn stops with "Worker failed to boot" and the reasons."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camau_portal.settings")

from camau_portal.checks import refuse_to_start_misconfigured  # noqa: E402  (reads settings)

refuse_to_start_misconfigured()
application = get_wsgi_application()
