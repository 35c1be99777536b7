"""Measures what a page costs to load: its HTML and every stylesheet, script and image it
references from our own static files, and the web fonts its stylesheets declare (a Vietnamese
page uses every subset and weight we ship), each gzip-compressed as WhiteNoise serves it in
production. Map tiles and uploaded photos are excluded (they load on demand)."""

from __future__ import annotations

import gzip
import posixpath
import re
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.test import Client

_FONT_FACE_RE = re.compile(r"@font-face\s*{[^}]*}")
_CSS_URL_RE = re.compile(r"""url\(\s*["']?(?P<url>[^"')]+)["']?\s*\)""")
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
            content = handle.read()
        assets[url] = _transferred(content, url)
        if url.endswith(".css"):
            assets.update(_font_files(url, content.decode()))
    return PageWeight(path=path, html_bytes=_transferred(html, path), assets=assets)


def _font_files(stylesheet_url: str, css: str) -> dict[str, int]:
    """The font files a stylesheet's @font-face rules load, by their static URL."""
    fonts = {}
    for face in _FONT_FACE_RE.findall(css):
        for match in _CSS_URL_RE.finditer(face):
            url = posixpath.normpath(
                posixpath.join(posixpath.dirname(stylesheet_url), match["url"])
            )
            found = finders.find(url.removeprefix("/static/"))
            if found is None:
                raise ValueError(f"{stylesheet_url} references a missing font {url}")
            with open(found, "rb") as handle:
                fonts[url] = _transferred(handle.read(), url)
    return fonts
