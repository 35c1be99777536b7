"""Photos in MEDIA_ROOT are served by the portal when PORTAL_SERVE_MEDIA is on (development,
or a production server without a proxy serving the folder), and not otherwise."""

import pytest


@pytest.fixture
def photo_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = settings.MEDIA_ROOT / "photos" / "ab" / "abKey.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return path


def test_a_photo_is_served_when_asked(client, settings, photo_file):
    settings.PORTAL_SERVE_MEDIA = True
    response = client.get("/media/photos/ab/abKey.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo_file.read_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"


def test_nothing_is_served_unless_asked(client, settings, photo_file):
    settings.PORTAL_SERVE_MEDIA = False
    assert client.get("/media/photos/ab/abKey.jpg").status_code == 404


@pytest.mark.parametrize("path", ["/media/photos/", "/media/../settings.py", "/media/%2e%2e/x"])
def test_no_folder_listing_and_nothing_outside_the_media_folder(client, settings, photo_file, path):
    settings.PORTAL_SERVE_MEDIA = True
    (settings.MEDIA_ROOT.parent / "settings.py").write_text("SECRET")
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"SECRET" not in response.content
