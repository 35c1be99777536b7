"""Search text without diacritics, so "duong" finds "đường" on any database."""

import unicodedata


def fold_diacritics(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics (đ is a letter of its own, not an accent)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def search_text_for(report) -> str:
    return fold_diacritics(" ".join([report.tracking_code, report.title, report.description]))
