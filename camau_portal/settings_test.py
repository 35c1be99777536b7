"""Test overrides: fast hashing, an isolated media folder, Celery in-process by default.

Tests about delivery start a real worker against Redis and switch eager mode off themselves.
"""

import tempfile
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import STORAGES

# Tests run with DEBUG off, where the development key is refused (camau_portal.checks).
SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="camau-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "camau_portal.notifications.sms_backends.locmem.LocmemSmsBackend"
CELERY_TASK_ALWAYS_EAGER = True
# One in-process store for both caches (same LOCATION), so clearing the default cache between
# tests (tests/conftest.py) also forgets the rate limits.
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    for alias in ("default", "ratelimit")
}
STORAGES = {
    **STORAGES,
    "photo_originals": {
        "BACKEND": "camau_portal.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="camau-test-originals-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
