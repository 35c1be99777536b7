import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camau_portal.settings")
application = get_wsgi_application()

from camau_portal.checks import refuse_to_start_misconfigured  # noqa: E402  (needs Django set up)

refuse_to_start_misconfigured()
