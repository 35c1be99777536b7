"""SMS through the carrier's SMSC over SMPP 3.4 (smpplib), the usual way brand-name SMS are
sent in volume in Vietnam.

One bound transmitter session per worker process, kept open between messages: binding costs
a round trip and SMSCs limit how many sessions an account may open. A session idle for a while
is checked with ``enquire_link`` before use, so a connection the SMSC closed meanwhile is
replaced before a message is written to it, never after. Each ``submit_sm`` waits for its
``submit_sm_resp``: only an answer with status 0 counts as sent. Any other outcome raises; the
outbox retries it later, except for refusals that no retry can change (``SmsRefused``).

Delivery receipts: with SMS_DELIVERY_RECEIPTS each submit asks for one, and
``read_receipts`` (run by beat every SMS_RECEIPTS_INTERVAL_SECONDS) binds as a receiver, takes
the ``deliver_sm`` receipts the SMSC kept for the account until it has been quiet for a moment,
and unbinds: no long-lived receiver process to deploy.

Settings (environment): SMS_SMPP_HOST, SMS_SMPP_PORT, SMS_SMPP_SYSTEM_ID, SMS_SMPP_PASSWORD,
SMS_SMPP_SYSTEM_TYPE, SMS_SOURCE_ADDRESS (the registered brand name or number), SMS_TIMEOUT,
SMS_DELIVERY_RECEIPTS.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable

from django.conf import settings
from smpplib import consts, exceptions, smpp
from smpplib.client import Client
from smpplib.gsm import make_parts

from camau_portal.notifications.sms_backends import (
    DeliveryReceipt,
    SmsBackend,
    SmsMessage,
    SmsRefused,
)

logger = logging.getLogger(__name__)

# A session unused this long is probed with enquire_link before the next message.
IDLE_CHECK_SECONDS = 20

# submit_sm_resp statuses that name the message itself as wrong: retrying cannot help.
PERMANENT_STATUSES = frozenset(
    {
        consts.SMPP_ESME_RINVDSTADR,  # invalid destination address
        consts.SMPP_ESME_RINVDSTTON,
        consts.SMPP_ESME_RINVDSTNPI,
        consts.SMPP_ESME_RINVMSGLEN,
    }
)

# A receiver session ends once the SMSC has sent nothing for this long.
RECEIPTS_IDLE_SECONDS = 2.0

# esm_class bit 2: the deliver_sm is an SMSC delivery receipt, not a text from a phone.
ESM_DELIVERY_RECEIPT = 0x04
# SMPP 3.4 message_state values (5.3.2.35), named as receipts' "stat:" words them.
MESSAGE_STATES = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
}
_RECEIPT_ID = re.compile(rb"\bid:(\S+)")
_RECEIPT_STATE = re.compile(rb"\bstat:(\w+)", re.IGNORECASE)

TON_INTERNATIONAL, NPI_ISDN = 1, 1
TON_ALPHANUMERIC, NPI_UNKNOWN = 5, 0


class SmppError(Exception):
    """The SMSC could not be reached, refused the session, or answered a submit with an error
    that may pass (throttling, a full queue, a system error)."""


def _text(value) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value or "")


def receipt_from(pdu) -> DeliveryReceipt | None:
    """The receipt a deliver_sm carries (SMPP 3.4 optional parameters first, then the
    appendix B text "id:... stat:..."), or None for anything else."""
    if not (int(pdu.esm_class or 0) & ESM_DELIVERY_RECEIPT):
        return None
    text = pdu.short_message or b""
    text = text if isinstance(text, bytes) else str(text).encode("latin-1", "replace")
    message_id = _text(pdu.receipted_message_id)
    if not message_id and (match := _RECEIPT_ID.search(text)):
        message_id = match[1].decode("latin-1")
    state = MESSAGE_STATES.get(int(pdu.message_state or 0), "")
    if not state and (match := _RECEIPT_STATE.search(text)):
        state = match[1].decode("latin-1").upper()
    if not message_id or not state:
        return None
    return DeliveryReceipt(message_id=message_id, state=state[:16])


def source_address_type(address: str) -> tuple[int, int]:
    """A brand name ("UBND CAMAU") is alphanumeric; a number is international."""
    if any(not char.isdigit() for char in address.lstrip("+")):
        return TON_ALPHANUMERIC, NPI_UNKNOWN
    return TON_INTERNATIONAL, NPI_ISDN


class SmppSmsBackend(SmsBackend):
    def __init__(self):
        self.host = settings.SMS_SMPP_HOST
        self.port = settings.SMS_SMPP_PORT
        self.system_id = settings.SMS_SMPP_SYSTEM_ID
        self.password = settings.SMS_SMPP_PASSWORD
        self.system_type = settings.SMS_SMPP_SYSTEM_TYPE
        self.source_address = settings.SMS_SOURCE_ADDRESS
        self.timeout = settings.SMS_TIMEOUT
        self.receipts = settings.SMS_DELIVERY_RECEIPTS
        self._client: Client | None = None
        self._last_used = 0.0
        self._lock = threading.Lock()

    def send(self, message: SmsMessage) -> str:
        with self._lock:
            client = self._session()
            try:
                ids = [self._submit(client, part, message) for part in self._parts(message)]
            except (exceptions.ConnectionError, OSError) as exc:
                self._drop()
                raise SmppError(f"connection lost: {exc or exc.__class__.__name__}") from exc
            self._last_used = time.monotonic()
            return ",".join(ids)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                with contextlib.suppress(exceptions.PDUError, exceptions.ConnectionError, OSError):
                    self._client.unbind()
                self._drop()

    def read_receipts(self, handle: Callable[[DeliveryReceipt], None]) -> int:
        client = Client(
            self.host, self.port, timeout=RECEIPTS_IDLE_SECONDS, allow_unknown_opt_params=True
        )
        try:
            client.connect()
            client.bind_receiver(
                system_id=self.system_id, password=self.password, system_type=self.system_type
            )
        except (exceptions.ConnectionError, exceptions.PDUError, OSError) as exc:
            client.disconnect()
            raise SmppError(f"bind_receiver to {self.host}:{self.port} failed: {exc}") from exc
        count = 0
        try:
            while True:
                try:
                    pdu = client.read_pdu()
                except TimeoutError:
                    break  # quiet: nothing more waits
                if pdu.command == "deliver_sm":
                    if (receipt := receipt_from(pdu)) is not None:
                        handle(receipt)  # recorded before it is acknowledged
                        count += 1
                    self._answer(client, pdu, "deliver_sm_resp")
                elif pdu.command == "enquire_link":
                    self._answer(client, pdu, "enquire_link_resp")
                elif pdu.command == "unbind":
                    self._answer(client, pdu, "unbind_resp")
                    break
        except (exceptions.ConnectionError, OSError) as exc:
            raise SmppError(f"receiver session lost: {exc or exc.__class__.__name__}") from exc
        finally:
            if client.state != consts.SMPP_CLIENT_STATE_CLOSED:
                with contextlib.suppress(exceptions.PDUError, exceptions.ConnectionError, OSError):
                    client.unbind()
                client.disconnect()
        return count

    @staticmethod
    def _answer(client: Client, pdu, command: str) -> None:
        answer = smpp.make_pdu(command, client=client)
        answer.sequence = pdu.sequence
        client.send_pdu(answer)

    # The session.

    def _session(self) -> Client:
        idle = time.monotonic() - self._last_used > IDLE_CHECK_SECONDS
        if self._client is not None and idle and not self._answers():
            logger.info("SMPP session to %s:%s went quiet; binding again", self.host, self.port)
            self._drop()
        if self._client is None:
            self._client = self._bind()
            self._last_used = time.monotonic()
        return self._client

    def _bind(self) -> Client:
        client = Client(self.host, self.port, timeout=self.timeout, allow_unknown_opt_params=True)
        try:
            client.connect()
            client.bind_transmitter(
                system_id=self.system_id,
                password=self.password,
                system_type=self.system_type,
            )
        except (exceptions.ConnectionError, exceptions.PDUError, OSError) as exc:
            client.disconnect()
            raise SmppError(f"bind_transmitter to {self.host}:{self.port} failed: {exc}") from exc
        return client

    def _answers(self) -> bool:
        client = self._client
        try:
            probe = smpp.make_pdu("enquire_link", client=client)
            client.send_pdu(probe)
            self._response_to(client, probe)
        except (exceptions.ConnectionError, exceptions.PDUError, OSError, SmppError):
            return False
        return True

    def _drop(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            client.disconnect()

    # Messages.

    def _parts(self, message: SmsMessage) -> list[tuple[bytes, int, int]]:
        parts, data_coding, esm_class = make_parts(
            message.body.text, encoding=message.body.data_coding
        )
        return [(part, data_coding, esm_class) for part in parts]

    def _submit(self, client: Client, part: tuple[bytes, int, int], message: SmsMessage) -> str:
        short_message, data_coding, esm_class = part
        source_ton, source_npi = source_address_type(self.source_address)
        pdu = client.send_message(
            source_addr_ton=source_ton,
            source_addr_npi=source_npi,
            source_addr=self.source_address,
            dest_addr_ton=TON_INTERNATIONAL,
            dest_addr_npi=NPI_ISDN,
            destination_addr=message.to.lstrip("+"),
            short_message=short_message,
            data_coding=data_coding,
            esm_class=esm_class,
            registered_delivery=1 if self.receipts else 0,
        )
        response = self._response_to(client, pdu)
        status = int(response.status)
        if status != consts.SMPP_ESME_ROK:
            description = consts.DESCRIPTIONS.get(status, "unknown status")
            if status in PERMANENT_STATUSES:
                raise SmsRefused(f"submit_sm refused ({status:#04x}): {description}")
            raise SmppError(f"submit_sm refused ({status:#04x}): {description}")
        message_id = response.message_id
        return message_id.decode() if isinstance(message_id, bytes) else str(message_id or "")

    def _response_to(self, client: Client, request):
        """Reads until the answer to ``request``, answering the SMSC's own enquire_link."""
        while True:
            try:
                pdu = client.read_pdu()
            except TimeoutError as exc:
                raise exceptions.ConnectionError("no answer from the SMSC") from exc
            if pdu.command == "enquire_link":
                self._answer(client, pdu, "enquire_link_resp")
                continue
            if pdu.command == "generic_nack" or pdu.sequence == request.sequence:
                if pdu.command == "generic_nack":
                    raise SmppError(f"generic_nack ({int(pdu.status):#04x})")
                return pdu
            if pdu.command == "unbind":
                raise exceptions.ConnectionError("the SMSC unbound the session")
            logger.warning("Ignoring unexpected SMPP %s", pdu.command)
