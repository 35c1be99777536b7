"""Fetches a photo a client gave as ``media_url``, refusing anything but a public web address."""

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
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return (
            None  # a redirect could lead to an internal address; the client must give the final URL
        )


def _check_public_host(host: str, port: int) -> None:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port)}
    except socket.gaierror:
        raise MediaError("media_url: the host cannot be found") from None
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise MediaError("media_url must point to a public address")


def fetch_media(url: str) -> SimpleUploadedFile:
    """The image at ``url`` as an upload, or MediaError."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise MediaError("media_url must be an http or https address")
    _check_public_host(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80))
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": "camau-portal-open311/1"})
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            content_type = response.headers.get_content_type()
            if not content_type.startswith("image/"):
                raise MediaError("media_url must point to an image")
            data = response.read(settings.PHOTO_MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError):
        raise MediaError("media_url could not be downloaded") from None
    if len(data) > settings.PHOTO_MAX_BYTES:
        raise MediaError("media_url: the image is too large")
    name = parsed.path.rsplit("/", 1)[-1] or "media"
    return SimpleUploadedFile(name[:100], data, content_type=content_type)
