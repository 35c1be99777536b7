from hypothesis import given
from hypothesis import strategies as st

from reports.tracking import ALPHABET, new_tracking_code, normalise_tracking_code


def test_new_codes_are_well_formed_and_distinct():
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert normalise_tracking_code(code) == code


def test_typed_variants_find_the_same_code():
    assert normalise_tracking_code("cm 4k7p x9qd") == "CM-4K7P-X9QD"
    assert normalise_tracking_code("4K7PX9QD") == "CM-4K7P-X9QD"
    # Letters people confuse when reading aloud map onto the alphabet.
    assert normalise_tracking_code("CM-4K7P-X9QO") == "CM-4K7P-X9Q0"
    assert normalise_tracking_code("CM-IL00-0000") == "CM-1100-0000"


def test_rejects_what_cannot_be_a_code():
    for raw in ["", "CM-123", "hello world!", "CM-4K7P-X9QD-EXTRA"]:
        assert normalise_tracking_code(raw) is None


@given(st.text(alphabet=ALPHABET, min_size=8, max_size=8))
def test_every_eight_symbol_string_round_trips(symbols):
    code = f"CM-{symbols[:4]}-{symbols[4:]}"
    assert normalise_tracking_code(code.lower().replace("-", " ")) == code
