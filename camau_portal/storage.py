"""Storage that is never served: where uploaded originals wait for the photo pipeline.

An original still carries everything the phone wrote into it (GPS position, device, owner's
name), so it must never have an address anyone could open: ``url()`` refuses. The pipeline
reads it through the storage API and deletes it once the clean copy exists.
"""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("Files in private storage have no address.")


class _PhotoOriginalsStorage(LazyObject):
    """The ``photo_originals`` alias, looked up when first used (as Django's default_storage),
    so that a field holding it follows the settings of the process that uses it."""

    def _setup(self):
        self._wrapped = storages["photo_originals"]


_photo_originals = _PhotoOriginalsStorage()


def photo_originals_storage():
    """The storage of uploaded originals (a callable, so migrations name no environment's)."""
    return _photo_originals


@receiver(setting_changed, dispatch_uid="camau_portal.storage.originals_follow_settings")
def _forget_storage_on_settings_change(*, setting, **kwargs):
    if setting == "STORAGES":
        _photo_originals._wrapped = empty
