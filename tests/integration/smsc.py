"""A small SMSC on loopback speaking SMPP 3.4, written from the specification (not with the
client library under test): it answers bind_transmitter, submit_sm, enquire_link and unbind,
records every accepted submit_sm, and can refuse binds, refuse submits with a status, or drop
the connection on a submit without answering. For a submit that asks for a delivery receipt it
keeps one (deliver_sm with the SMPP 3.4 appendix B text and optional parameters) and hands it
to the account's next receiver bind.

It runs an asyncio server in a thread of the test process, like aiosmtpd's Controller.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import struct
import threading
import time
from dataclasses import dataclass, field

from tests.integration.harness import free_port

BIND_TRANSMITTER = 0x00000002
BIND_RECEIVER = 0x00000001
BIND_TRANSCEIVER = 0x00000009
SUBMIT_SM = 0x00000004
DELIVER_SM = 0x00000005
UNBIND = 0x00000006
ENQUIRE_LINK = 0x00000015
GENERIC_NACK = 0x80000000
RESPONSE = 0x80000000

ESME_ROK = 0x00
ESME_RINVCMDID = 0x03
ESME_RBINDFAIL = 0x0D
ESME_RINVPASWD = 0x0E
ESME_RTHROTTLED = 0x58
ESME_RINVBNDSTS = 0x04

# GSM 03.38 default alphabet, positions 0x00-0x7F (ESC at 0x1B), from 3GPP TS 23.038.
GSM_DEFAULT = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}


def gsm_decode(octets: bytes) -> str:
    """Unpacked GSM 7-bit (one septet per octet, as SMPP carries it) to text."""
    text, escaped = [], False
    for octet in octets:
        if escaped:
            text.append(GSM_EXTENSION.get(octet, "?"))
            escaped = False
        elif octet == 0x1B:
            escaped = True
        else:
            text.append(GSM_DEFAULT[octet])
    return "".join(text)


@dataclass
class SubmittedMessage:
    system_id: str
    source_addr_ton: int
    source_addr: str
    dest_addr_ton: int
    destination_addr: str
    esm_class: int
    data_coding: int
    short_message: bytes
    message_id: str
    registered_delivery: int = 0

    @property
    def text(self) -> str:
        """The text of this part (without its user data header when split)."""
        body = self.short_message
        if self.esm_class & 0x40:  # UDHI: a concatenation header first
            body = body[1 + body[0] :]
        if self.data_coding == 0x08:
            return body.decode("utf-16-be")
        return gsm_decode(body)


@dataclass
class SmscBehaviour:
    """What the SMSC does wrong, set by the test (at any time; read per PDU)."""

    refuse_binds: int = 0  # answer this many binds with ESME_RBINDFAIL
    drop_on_submits: int = 0  # close the connection on this many submit_sm, unanswered
    throttle_submits: int = 0  # answer this many submit_sm with ESME_RTHROTTLED
    password: str | None = None  # when set, other passwords get ESME_RINVPASWD
    receipt_state: str = "DELIVRD"  # what the receipts of accepted messages say


def _c_string(body: bytes, offset: int) -> tuple[str, int]:
    end = body.index(b"\0", offset)
    return body[offset:end].decode("latin-1"), end + 1


def _tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


def _receipted_id(receipt_pdu: bytes) -> str:
    return re.search(rb"id:(\S+)", receipt_pdu)[1].decode()


def _pdu(command_id: int, status: int, sequence: int, body: bytes = b"") -> bytes:
    return struct.pack(">IIII", 16 + len(body), command_id, status, sequence) + body


@dataclass
class Smsc:
    behaviour: SmscBehaviour = field(default_factory=SmscBehaviour)
    submitted: list[SubmittedMessage] = field(default_factory=list)
    binds: list[str] = field(default_factory=list)  # system_id of each bind accepted
    transmitter_binds: int = 0
    refused_binds: int = 0
    dropped: int = 0
    enquire_links: int = 0
    receipts_acknowledged: list[str] = field(default_factory=list)  # receipted message ids

    def __post_init__(self):
        self.port = free_port()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server = None
        self._connections: set[asyncio.StreamWriter] = set()
        self._pending_receipts: dict[str, list[tuple[int, bytes]]] = {}  # system_id: PDUs
        self._sent_receipts: dict[int, str] = {}  # sequence: message id
        self._sequences = itertools.count(1)

    # Lifetime.

    def __enter__(self):
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self):
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _stop(self):
        self._server.close()
        for writer in list(self._connections):
            writer.close()
        await self._server.wait_closed()

    def drop_connections(self):
        """Closes every open session at once, as an SMSC restart would."""

        def close_all():
            for writer in list(self._connections):
                writer.close()

        self._loop.call_soon_threadsafe(close_all)

    def receipts_waiting(self, system_id: str) -> int:
        with self._lock:
            return len(self._pending_receipts.get(system_id, []))

    def to(self, number: str) -> list[SubmittedMessage]:
        with self._lock:
            return [m for m in self.submitted if m.destination_addr == number.lstrip("+")]

    # One session.

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._connections.add(writer)
        system_id = None
        try:
            while True:
                header = await reader.readexactly(16)
                length, command_id, _status, sequence = struct.unpack(">IIII", header)
                body = await reader.readexactly(length - 16)
                answer = self._answer(command_id, sequence, body, system_id)
                if answer is None:  # drop the connection, unanswered
                    self.dropped += 1
                    break
                response, system_id, close = answer
                if response:
                    writer.write(response)
                    await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._connections.discard(writer)
            writer.close()

    def _answer(self, command_id, sequence, body, system_id):
        """(response bytes, the session's system_id, close after) or None to drop."""
        behaviour = self.behaviour
        if command_id in (BIND_TRANSMITTER, BIND_RECEIVER, BIND_TRANSCEIVER):
            bound_id, offset = _c_string(body, 0)
            password, offset = _c_string(body, offset)
            wrong_password = behaviour.password is not None and password != behaviour.password
            if behaviour.refuse_binds > 0 or wrong_password:
                if not wrong_password:
                    behaviour.refuse_binds -= 1
                self.refused_binds += 1
                status = ESME_RINVPASWD if wrong_password else ESME_RBINDFAIL
                return _pdu(command_id | RESPONSE, status, sequence), None, True
            self.binds.append(bound_id)
            self.transmitter_binds += command_id == BIND_TRANSMITTER
            reply = _pdu(command_id | RESPONSE, ESME_ROK, sequence, b"loopback-smsc\0")
            if command_id in (BIND_RECEIVER, BIND_TRANSCEIVER):
                with self._lock:
                    waiting = self._pending_receipts.pop(bound_id, [])
                for receipt_sequence, receipt in waiting:
                    reply += receipt
                    self._sent_receipts[receipt_sequence] = receipt
            return reply, bound_id, False
        if command_id == DELIVER_SM | RESPONSE:
            receipt = self._sent_receipts.pop(sequence, None)
            if receipt is not None:
                self.receipts_acknowledged.append(_receipted_id(receipt))
            return b"", system_id, False
        if command_id == ENQUIRE_LINK:
            self.enquire_links += 1
            return _pdu(ENQUIRE_LINK | RESPONSE, ESME_ROK, sequence), system_id, False
        if command_id == UNBIND:
            return _pdu(UNBIND | RESPONSE, ESME_ROK, sequence), None, True
        if command_id == SUBMIT_SM:
            if system_id is None:
                return _pdu(SUBMIT_SM | RESPONSE, ESME_RINVBNDSTS, sequence), None, False
            if behaviour.drop_on_submits > 0:
                behaviour.drop_on_submits -= 1
                return None
            if behaviour.throttle_submits > 0:
                behaviour.throttle_submits -= 1
                return _pdu(SUBMIT_SM | RESPONSE, ESME_RTHROTTLED, sequence), system_id, False
            message = self._parse_submit(body, system_id)
            with self._lock:
                self.submitted.append(message)
                if message.registered_delivery & 1:
                    receipt_sequence = next(self._sequences)
                    self._pending_receipts.setdefault(system_id, []).append(
                        (receipt_sequence, self._receipt(message, receipt_sequence))
                    )
            reply = _pdu(
                SUBMIT_SM | RESPONSE, ESME_ROK, sequence, message.message_id.encode() + b"\0"
            )
            return reply, system_id, False
        return _pdu(GENERIC_NACK, ESME_RINVCMDID, sequence), system_id, False

    def _parse_submit(self, body: bytes, system_id: str) -> SubmittedMessage:
        _service_type, offset = _c_string(body, 0)
        source_ton, _source_npi = body[offset], body[offset + 1]
        source_addr, offset = _c_string(body, offset + 2)
        dest_ton, _dest_npi = body[offset], body[offset + 1]
        destination, offset = _c_string(body, offset + 2)
        esm_class = body[offset]
        offset += 3  # esm_class, protocol_id, priority_flag
        _schedule, offset = _c_string(body, offset)
        _validity, offset = _c_string(body, offset)
        registered_delivery = body[offset]
        offset += 3  # registered_delivery, replace_if_present_flag, data_coding follows
        data_coding = body[offset - 1]
        offset += 1  # sm_default_msg_id
        sm_length = body[offset]
        short_message = body[offset + 1 : offset + 1 + sm_length]
        return SubmittedMessage(
            system_id=system_id,
            source_addr_ton=source_ton,
            source_addr=source_addr,
            dest_addr_ton=dest_ton,
            destination_addr=destination,
            esm_class=esm_class,
            data_coding=data_coding,
            short_message=short_message,
            message_id=f"SMSC{next(self._ids):06d}",
            registered_delivery=registered_delivery,
        )

    def _receipt(self, message: SubmittedMessage, sequence: int) -> bytes:
        state = self.behaviour.receipt_state
        stamp = time.strftime("%y%m%d%H%M")
        text = (
            f"id:{message.message_id} sub:001 dlvrd:{'001' if state == 'DELIVRD' else '000'} "
            f"submit date:{stamp} done date:{stamp} stat:{state} err:000 text:"
        ).encode()
        states = {"DELIVRD": 2, "EXPIRED": 3, "DELETED": 4, "UNDELIV": 5, "REJECTD": 8}
        body = (
            b"\0"  # service_type
            + bytes([1, 1])
            + message.destination_addr.encode()
            + b"\0"
            + bytes([5, 0])
            + message.source_addr.encode()
            + b"\0"
            + bytes([0x04, 0, 0])  # esm_class: SMSC delivery receipt
            + b"\0\0"  # schedule_delivery_time, validity_period
            + bytes([0, 0, 0, 0, len(text)])
            + text
            + _tlv(0x001E, message.message_id.encode() + b"\0")  # receipted_message_id
            + _tlv(0x0427, bytes([states.get(state, 7)]))  # message_state
        )
        return _pdu(DELIVER_SM, ESME_ROK, sequence, body)
