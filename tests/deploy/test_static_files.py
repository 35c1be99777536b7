"""Every static file survives production's post-processing (hashed names, compression).

A CSS or JS file pointing at a file that is not there (a vendored source map, a missing image)
makes collectstatic fail, so no manifest is written and every HTML page answers 500 in
production."""

import json
import re

import pytest
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

pytestmark = pytest.mark.deploy

# What settings.STORAGES uses with DJANGO_ENV=production.
PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
SOURCE_MAP = re.compile(rb"[#@] sourceMappingURL=([^\s*]+)")


def all_static_files() -> set[str]:
    return {
        path.replace("\\", "/")
        for finder in get_finders()
        for path, _storage in finder.list(["CVS", ".*", "*~"])
    }


def test_collectstatic_post_processes_every_static_file(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert set(manifest) == all_static_files()
    # Leaflet's marker images are reached by their unhashed names (static/js/leaflet-icons.js):
    # the hashed CSS no longer names them as Leaflet expects, but the unhashed copies stay.
    leaflet_css = (tmp_path / manifest["vendor/leaflet/leaflet.css"]).read_text()
    assert "url(images/marker-icon.png)" not in leaflet_css
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (tmp_path / "vendor/leaflet/images" / name).is_file()


def test_no_static_file_points_at_a_missing_source_map():
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if not path.endswith((".js", ".css")):
                continue
            with storage.open(path) as handle:
                for target in SOURCE_MAP.findall(handle.read()):
                    name = target.decode()
                    if name.startswith("data:"):
                        continue
                    sibling = f"{path.rsplit('/', 1)[0]}/{name}" if "/" in path else name
                    assert storage.exists(sibling), f"{path} points at {name}, which is missing"
