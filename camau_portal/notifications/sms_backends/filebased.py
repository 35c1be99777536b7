"""The embedded default: each SMS is written as one JSON file under var/sms (``SMS_FILE_PATH``),
which a developer reads at /dev/sms/."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from camau_portal.notifications.sms_backends import SmsBackend, SmsMessage


class FileSmsBackend(SmsBackend):
    def send(self, message: SmsMessage) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        now = timezone.now()
        record = {
            "id": message_id,
            "to": message.to,
            "text": message.body.text,
            "encoding": message.body.encoding_name,
            "segments": message.body.segments,
            "reference": message.reference,
            "sent_at": now.isoformat(),
        }
        name = f"{now:%Y%m%d-%H%M%S}-{message_id[:8]}.json"
        # Written aside and renamed, so the viewer never reads half a file.
        partial = folder / f".{name}.tmp"
        partial.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(partial, folder / name)
        return message_id
