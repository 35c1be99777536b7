"""Photos in object storage, as the README deploys them: the ``s3`` extra (django-storages)
against an S3-compatible server on loopback (moto's server mode), the portal under gunicorn and
a real worker. The bucket stays private: the worker's clean photos are served from it through
signed addresses that only a viewer allowed to see the report is given; originals never get
one, and neither do the photos of a report that is not public yet."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from reports.models import Photo
from reports.private_link import private_report_url
from tests.factories import publish
from tests.integration.harness import (
    ROOT,
    Browser,
    RecordingHandler,
    SmtpServer,
    WebServer,
    Worker,
    free_port,
    wait_for,
)
from tests.integration.test_photo_pipeline import send_report_with_photo
from tests.reports.photo_samples import phone_jpeg

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BUCKET = "camau-photos"
KEYS = {"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key"}


@pytest.fixture
def s3_server(tmp_path):
    """moto in server mode on a free loopback port, with an empty private bucket."""
    port = free_port()
    log = open(tmp_path / "moto.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )

    def bucket_made():
        try:
            client.create_bucket(Bucket=BUCKET)
        except Exception:  # not listening yet
            return False
        return True

    try:
        wait_for(bucket_made, timeout=30, message="moto server did not start")
        yield endpoint, client
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def keys_in(client, prefix: str = "") -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status, response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, ""


def bucket_urls(page: str, endpoint: str) -> list[str]:
    return [html.unescape(url) for url in re.findall(rf'"({re.escape(endpoint)}/[^"]+)"', page)]


def unsigned(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def test_photos_are_served_from_a_private_bucket_only_to_who_may_see_them(
    catalogue, private_redis, s3_server, tmp_path
):
    endpoint, client = s3_server
    env = {
        **KEYS,
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    with (
        SmtpServer(RecordingHandler()) as smtp,
        WebServer(
            broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=env
        ) as web,
    ):
        citizen, stranger = Browser(web.url), Browser(web.url)
        report = send_report_with_photo(citizen, "Ổ gà trên cầu", phone_jpeg(size=(1600, 1200)))
        photo = report.photos.get()

        # The original went to the bucket, under its own prefix, and nowhere on disk.
        (original_key,) = keys_in(client)
        assert original_key == f"originals/{photo.original.name}"
        assert not (tmp_path / "media").exists() and not (tmp_path / "photo-originals").exists()
        assert get(f"{endpoint}/{BUCKET}/{original_key}")[0] == 403
        assert bucket_urls(citizen.get(private_report_url(report)).text, endpoint) == []

        worker = Worker(broker_url=private_redis.url, smtp_url=smtp.url, var_dir=tmp_path, env=env)
        worker.start()
        try:
            wait_for(
                lambda: Photo.objects.get(pk=photo.pk).state == Photo.State.READY,
                timeout=120,
                message="the worker never processed the photo",
            )
        except BaseException:
            print(worker.log_text())
            raise
        finally:
            worker.stop()
        photo = Photo.objects.get(pk=photo.pk)
        assert keys_in(client) == sorted([photo.image.name, photo.thumbnail.name])

        # The reporter gets signed addresses that work; the same object unsigned is refused.
        shown = bucket_urls(citizen.get(private_report_url(report)).text, endpoint)
        assert {unsigned(url) for url in shown} == {
            f"{endpoint}/{BUCKET}/{photo.image.name}",
            f"{endpoint}/{BUCKET}/{photo.thumbnail.name}",
        }
        for url in shown:
            assert "X-Amz-Signature=" in url
            assert get(url) == (200, "image/jpeg")
            assert get(unsigned(url))[0] == 403

        # Not public yet: the public page, the map and Open311 issue no address at all.
        code = report.tracking_code
        assert bucket_urls(stranger.get(f"/reports/{code}/").text, endpoint) == []
        assert stranger.get(f"/map/reports/{code}.json").status == 404
        (record,) = json.loads(stranger.get(f"/open311/v2/requests/{code}.json").text)
        assert "media_url" not in record or record["media_url"] is None

        publish(report)
        public_urls = bucket_urls(stranger.get(f"/reports/{code}/").text, endpoint)
        assert public_urls and all(get(url) == (200, "image/jpeg") for url in public_urls)
        (record,) = json.loads(stranger.get(f"/open311/v2/requests/{code}.json").text)
        assert unsigned(record["media_url"]) == f"{endpoint}/{BUCKET}/{photo.image.name}"
        assert get(record["media_url"]) == (200, "image/jpeg")
        popup = json.loads(stranger.get(f"/map/reports/{code}.json").text)
        assert get(popup["photo"]) == (200, "image/jpeg")

    # A control: the server does serve an object anyone may read, so the 403s above are the
    # bucket's privacy, not a server that refuses everything unsigned.
    client.put_object(Bucket=BUCKET, Key="control.txt", Body=b"ok", ACL="public-read")
    assert get(f"{endpoint}/{BUCKET}/control.txt")[0] == 200
