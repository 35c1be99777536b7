"""Stand-in views for URL names the base layout links to but that another part of the portal
provides. Only names that do not resolve get a stand-in, so once the real pages exist this
module changes nothing. Use with ``pytestmark = pytest.mark.usefixtures("layout_urls")``."""

import sys
from types import ModuleType

import pytest
from django.http import HttpResponse
from django.urls import URLResolver, clear_url_caches, include, path

LAYOUT_NAMES = {
    "reports": [("new", "new/"), ("track", "track/"), ("detail", "r/<str:code>/")],
    "accounts": [("my_reports", "mine/"), ("login", "login/"), ("logout", "logout/")],
}


def _placeholder(request, **kwargs):
    return HttpResponse("placeholder")


def build_urlconf() -> ModuleType:
    from camau_portal import urls as root

    patterns = []
    for entry in root.urlpatterns:
        if isinstance(entry, URLResolver) and entry.namespace in LAYOUT_NAMES:
            existing = {getattr(p, "name", None) for p in entry.url_patterns}
            extra = [
                path(f"__layout__/{route}", _placeholder, name=name)
                for name, route in LAYOUT_NAMES[entry.namespace]
                if name not in existing
            ]
            if extra:
                entry = path(
                    str(entry.pattern), include((list(entry.url_patterns) + extra, entry.app_name))
                )
        patterns.append(entry)
    module = ModuleType("tests.layout_urlconf")
    module.urlpatterns = patterns
    return module


@pytest.fixture
def layout_urls(settings):
    module = build_urlconf()
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()
    yield
    clear_url_caches()
    sys.modules.pop(module.__name__, None)
