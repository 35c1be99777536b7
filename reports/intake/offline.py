"""What the report form needs to open and send with no network: the files the service worker
keeps, the version that renews them, the worker's settings, and the web app manifest."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Everything the report form page loads from our static files, and the map pin's images
# (Leaflet loads them only once a pin is dropped). tests/reports/intake/test_offline.py checks
# that the page references nothing else.
FORM_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/fonts.css",
    "vendor/be-vietnam-pro/be-vietnam-pro-latin-400-normal.woff2",
    "vendor/be-vietnam-pro/be-vietnam-pro-latin-700-normal.woff2",
    "vendor/be-vietnam-pro/be-vietnam-pro-vietnamese-400-normal.woff2",
    "vendor/be-vietnam-pro/be-vietnam-pro-vietnamese-700-normal.woff2",
    "css/theme.css",
    "css/portal.css",
    "img/portal-mark.svg",
    "vendor/leaflet/leaflet.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/leaflet/leaflet.js",
    "js/leaflet-icons.js",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "js/photos.js",
    "js/report-form.js",
    "js/outbox.js",
    "js/report-outbox.js",
)
# The worker's own code: the outbox (shared with the page) and the worker proper.
WORKER_SCRIPTS = ("js/outbox.js", "js/service-worker.js")

THEME_COLOUR = "#004d48"  # the header's green (--portal-brand-dark in static/css/theme.css)
BACKGROUND_COLOUR = "#ffffff"
APP_ICONS = (
    ("icons/app-192.png", "192x192", "any"),
    ("icons/app-512.png", "512x512", "any"),
    ("icons/app-maskable-512.png", "512x512", "maskable"),
)


def worker_version() -> str:
    """Changes whenever a kept file does, so the browser installs the worker again and the
    new worker fills a new cache. Hashed names (production) change with the content already;
    without them (development) the content itself is read."""
    digest = hashlib.sha256()
    for name in dict.fromkeys(FORM_ASSETS + WORKER_SCRIPTS):
        digest.update(static(name).encode())
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def service_worker_script(*, version: str) -> str:
    """The script served at /sw.js: the worker's settings, then its code from static files
    (under their hashed names in production)."""
    config = {
        "version": version,
        "formUrl": reverse("reports:new"),
        "precache": [static(name) for name in FORM_ASSETS],
        "outbox": {
            "report": reverse("reports:outbox_report"),
            "photo": reverse("reports:outbox_photo"),
        },
        "csrfCookieName": settings.CSRF_COOKIE_NAME,
    }
    scripts = ", ".join(json.dumps(static(name)) for name in WORKER_SCRIPTS)
    return f"self.CAMAU_OFFLINE = {json.dumps(config)};\nimportScripts({scripts});\n"


def web_app_manifest() -> dict:
    """The installed app is the report form, named in Vietnamese whatever the visitor's
    language (the browser fetches the manifest without cookies)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "id": reverse("reports:new"),
            "name": _("Cà Mau field reports"),
            "short_name": _("Cà Mau reports"),
            "description": _(
                "Report a problem you see in Cà Mau, even with no signal: it is sent when "
                "the connection returns."
            ),
            "lang": settings.LANGUAGE_CODE,
            "dir": "ltr",
            "start_url": reverse("reports:new"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {"src": static(name), "sizes": sizes, "type": "image/png", "purpose": purpose}
                for name, sizes, purpose in APP_ICONS
            ],
        }


def outbox_messages() -> dict[str, str]:
    """What the outbox panel says (static/js/report-outbox.js), translated here and handed to
    the script as data-msg-* attributes; "%(name)s" is filled in by the script."""
    return {
        # The script picks the form by the count; these are the forms for 1 and for several.
        "waiting-one": ngettext(
            "%(count)s report is waiting to be sent.",
            "%(count)s reports are waiting to be sent.",
            1,
        ),
        "waiting-other": ngettext(
            "%(count)s report is waiting to be sent.",
            "%(count)s reports are waiting to be sent.",
            2,
        ),
        "state-waiting": _("Waiting for a connection"),
        "state-refused": _("Not sent: it needs a correction"),
        "state-sent": _("Sent. Tracking code:"),
        "problem-server": _("The portal could not take it yet; it will try again."),
        "problem-busy": _(
            "Several reports were sent in a short time; it will try again in a few minutes."
        ),
        "problem-expired": _("It will be sent the next time you open this page."),
        "written": _("Written %(time)s"),
        "untitled": _("(no title)"),
        "send-now": _("Send now"),
        "edit": _("Correct it"),
        "delete": _("Delete"),
        "hide": _("Hide"),
        "open": _("Open my report"),
        "confirm-delete": _("Delete this report from this device? It has not been sent."),
        "saved": _(
            "No connection: your report is kept on this device and will be sent by itself when "
            "the connection returns. You may close this page."
        ),
        "kept": _("Not sent yet: your report is kept on this device."),
        "sending": _("Sending your report…"),
        "sending-photo": _("Sending photo %(number)s of %(count)s…"),
        "restored": _("Your report is back in the form. Correct it and send it again:"),
    }
