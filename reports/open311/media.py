"""Fetches a photo a client gave as ``media_url``, refusing anything but a public web address.

A download never decides whether a report is stored: the report is filed first and the photo
fetched afterwards, retried while the failure may pass (``MediaError.may_pass``), see
``reports.open311.tasks``."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

TIMEOUT_SECONDS = 10


class MediaError(ValueError):
    """``may_pass``: the host was unreachable or answered with an error of its own, so a later
    try may succeed; a refusal (a private address, not an image, too large) will not."""

    def __init__(self, message: str, *, may_pass: bool = False):
        super().__init__(message)
        self.may_pass = may_pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return (
            None  # a redirect could lead to an internal address; the client must give the final URL
        )


def _check_public_host(host: str, port: int) -> None:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port)}
    except socket.gaierror:
        raise MediaError("media_url: the host cannot be found", may_pass=True) from None
    if settings.OPEN311_MEDIA_PRIVATE_HOSTS:
        return
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise MediaError("media_url must point to a public address")


def check_media_url(url: str) -> None:
    """Refuses, before anything is stored, what can never be downloaded."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise MediaError("media_url must be an http or https address")
    try:
        parsed.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise MediaError("media_url must be an http or https address") from None


def fetch_media(url: str) -> SimpleUploadedFile:
    """The image at ``url`` as an upload, or MediaError."""
    check_media_url(url)
    parsed = urlparse(url)
    _check_public_host(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80))
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": "camau-portal-open311/1"})
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            content_type = response.headers.get_content_type()
            if not content_type.startswith("image/"):
                raise MediaError("media_url must point to an image")
            data = response.read(settings.PHOTO_MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        # 4xx other than a timeout or a rate limit: the address is wrong and stays wrong.
        may_pass = error.code >= 500 or error.code in (408, 429)
        raise MediaError(
            f"media_url could not be downloaded (HTTP {error.code})", may_pass=may_pass
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise MediaError("media_url could not be downloaded", may_pass=True) from None
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise MediaError("media_url: the image is too large")
    name = parsed.path.rsplit("/", 1)[-1] or "media"
    return SimpleUploadedFile(name[:100], data, content_type=content_type)
