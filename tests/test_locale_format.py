"""What a French or Spanish reader sees of dates, numbers, plurals and punctuation."""

import pytest

from mipat.questionnaires.locale_format import NNBSP, count_words, format_date, format_number, typography


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "31 January 2026"), ("fr", "31 janvier 2026"), ("es", "31 de enero de 2026")],
)
def test_dates_in_words(lang, expected):
    assert format_date("2026-01-31T10:00:00", lang) == expected


def test_decimal_comma_in_french_and_spanish():
    assert format_number(52.14, "en") == "52.1"
    assert format_number(52.14, "fr") == "52,1"
    assert format_number(52.14, "es") == "52,1"
    assert format_number(87.5, "fr", 0) == "88"


def test_plural_rules_follow_cldr():
    forms = {"one": "partenariat", "other": "partenariats"}
    assert count_words(0, forms, "fr") == "0 partenariat"  # French: 0 is singular
    assert count_words(1, forms, "fr") == "1 partenariat"
    assert count_words(2, forms, "fr") == "2 partenariats"
    assert count_words(0, {"one": "alianza", "other": "alianzas"}, "es") == "0 alianzas"


def test_french_spacing_before_high_punctuation_only_where_it_is_punctuation():
    text = typography("STA.8: Accord; voir https://x.org/a?b=1 à 10:00 ! « bon »", "fr")
    assert f"STA.8{NNBSP}: Accord{NNBSP}; voir" in text
    assert "https://x.org/a?b=1" in text and "10:00" in text
    assert f"10:00{NNBSP}!" in text and f"«{NNBSP}bon{NNBSP}»" in text
    assert typography(text, "fr") == text  # never doubled
    assert typography("a: b", "en") == "a: b"
