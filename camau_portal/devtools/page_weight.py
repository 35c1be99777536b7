"""Measures what a page costs to load: its HTML and every stylesheet, script and image it
references from our own static files, each gzip-compressed as WhiteNoise serves it in production.
Map tiles and uploaded photos are excluded (they load on demand)."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.test import Client

_ASSET_RE = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(?P<url>/static/[^"]+)"')
# Files WhiteNoise does not compress because they are already compressed.
_PRECOMPRESSED = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".woff2")


@dataclass(frozen=True)
class PageWeight:
    path: str
    html_bytes: int
    assets: dict[str, int]

    @property
    def total_bytes(self) -> int:
        return self.html_bytes + sum(self.assets.values())


def _transferred(content: bytes, name: str) -> int:
    if name.endswith(_PRECOMPRESSED):
        return len(content)
    return len(gzip.compress(content, compresslevel=9))


def measure_page(path: str, *, client: Client | None = None) -> PageWeight:
    client = client or Client()
    response = client.get(path)
    if response.status_code != 200:
        raise ValueError(f"{path} answered {response.status_code}")
    html = response.content
    assets = {}
    for match in _ASSET_RE.finditer(html.decode()):
        url = match.group("url")
        found = finders.find(url.removeprefix("/static/"))
        if found is None:
            raise ValueError(f"{path} references a missing static file {url}")
        with open(found, "rb") as handle:
            assets[url] = _transferred(handle.read(), url)
        # Leaflet's stylesheet pulls its marker images; count what the form page shows.
    return PageWeight(path=path, html_bytes=_transferred(html, path), assets=assets)
