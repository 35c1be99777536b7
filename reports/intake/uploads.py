"""Photos uploaded with a form are staged under the browser's session, or under the report
form's client key (see ``reports.intake.photos``); these helpers are shared by the citizen,
reporter and staff views."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from reports.intake.photos import photo_stage, photos_pixels, staged_photos_drop
from reports.models import Photo


def session_key(request) -> str:
    """The session's key, creating the session first: staged photos are bound to it."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def photo_owner(request, client_key: uuid.UUID | None) -> str:
    """Who the report form's photos are staged for. A form carrying a client key made by the
    device owns its photos by that key, so a retry from the device's outbox can claim them even
    from another session (the first attempt's cookie may never have arrived); a form without
    one (no JavaScript) owns them by the session."""
    if client_key is not None:
        return f"client-key:{client_key.hex}"
    return session_key(request)


def stage_photos(request, uploads, *, kind: str) -> list[Photo]:
    """Stages every upload in order; a refused file raises the action's ValidationError and
    leaves none of them staged."""
    if not uploads:
        return []
    key = session_key(request)
    photos: list[Photo] = []
    try:
        for position, upload in enumerate(uploads):
            staged = photo_stage(
                upload=upload,
                staged_by=key,
                kind=kind,
                position=position,
                pixels_before=photos_pixels(photos),
            )
            photos.append(staged.photo)
    except BaseException:
        staged_photos_drop(photos)
        raise
    return photos


@contextmanager
def photos_staged_for(request, uploads, *, kind: str) -> Iterator[list[Photo]]:
    """Stages the uploads for the action run inside the block; if the block fails (the action
    refused), the photos are deleted with their files: a failed post leaves nothing behind."""
    photos = stage_photos(request, uploads, kind=kind)
    try:
        yield photos
    except BaseException:
        staged_photos_drop(photos)
        raise
