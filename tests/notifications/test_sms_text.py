"""Which form an SMS goes in, and what it costs; phone numbers as people write them."""

import pytest

from camau_portal.notifications.phone import masked_phone, normalise_phone
from camau_portal.notifications.sms_text import segments_for, sms_text, without_diacritics


def test_diacritics_go_when_the_plain_text_fits_one_gsm_segment():
    text = sms_text("Phản ánh CM-4K7P-X9QD đã được tiếp nhận. Đường Nguyễn Trãi.")
    assert text.text == "Phan anh CM-4K7P-X9QD da duoc tiep nhan. Duong Nguyen Trai."
    assert (text.encoding_name, text.segments) == ("GSM-7", 1)


def test_a_text_too_long_for_one_gsm_segment_keeps_its_diacritics_in_ucs2():
    text = "Phản ánh đã được xử lý xong. " * 6  # 173 characters once the spaces are folded
    body = sms_text(text)
    assert body.text == " ".join(text.split())
    assert body.encoding_name == "UCS-2"
    assert body.segments == 3  # 173 characters: 67 + 67 + 39


def test_segment_boundaries():
    assert segments_for("a" * 160).segments == 1
    assert segments_for("a" * 161).segments == 2  # 153 + 8
    assert segments_for("a" * 306).segments == 2
    assert segments_for("a" * 307).segments == 3
    assert segments_for("[" * 80).segments == 1  # escaped: two septets each, 160
    assert segments_for("[" * 81).segments == 2
    assert segments_for("ă" * 70).segments == 1
    assert segments_for("ă" * 71).segments == 2  # 67 + 4


def test_spaces_fold_and_every_vietnamese_letter_loses_its_marks():
    assert without_diacritics("Đắk Lắk, Cà Mau, Ủy ban, Hợp, Phường 8") == (
        "Dak Lak, Ca Mau, Uy ban, Hop, Phuong 8"
    )
    assert sms_text("  a \n b  ").text == "a b"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("+84 912-345-678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0386.123.456", "+84386123456"),
        ("0290 3831 234", None),  # a Cà Mau landline cannot receive a text
        ("12345", None),
        ("", None),
        ("not a number", None),
    ],
)
def test_phone_numbers_as_people_write_them(typed, e164):
    assert normalise_phone(typed) == e164


def test_a_masked_phone_shows_the_last_three_digits():
    assert masked_phone("+84912345678") == "+84••••••678"
