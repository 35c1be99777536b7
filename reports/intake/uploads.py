"""Photos uploaded with a form are staged under the browser's session (see
``reports.intake.photos``); these helpers are shared by the citizen, reporter and staff views."""

from reports.intake.photos import photo_stage
from reports.models import Photo


def session_key(request) -> str:
    """The session's key, creating the session first: staged photos are bound to it."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def stage_photos(request, uploads, *, kind: str) -> list[Photo]:
    """Stages every upload in order; a refused file raises the action's ValidationError."""
    if not uploads:
        return []
    key = session_key(request)
    return [
        photo_stage(upload=upload, staged_by=key, kind=kind, position=position).photo
        for position, upload in enumerate(uploads)
    ]
