"""Dates, numbers, plurals and French punctuation for a reader's language, from CLDR via Babel.

Everything a person reads (reports, terminal output, messages) formats through here so that a
French reader sees "31 janvier 2026", "52,1" and "1 partenariat", and a Spanish one
"31 de enero de 2026". Babel is imported lazily: `--help` and `validate` never pay for it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from mipat.questionnaires.languages import Language

# Narrow no-break space: what French typography puts before ; : ! ? and inside « ».
NNBSP = "\u202f"
_FRENCH_SPACE = re.compile(r"(?<=[^\s\u202f\u00a0])[ \u00a0]?([;:!?»])")
_FRENCH_QUOTE = re.compile(r"(«)[ \u00a0]?(?=\S)")


@cache
def _locale(lang: Language):  # -> babel.Locale, imported lazily
    from babel import Locale

    return Locale.parse(lang)


def format_date(value: dt.date | dt.datetime | str, lang: Language) -> str:
    """A date in full words: 31 January 2026, 31 janvier 2026, 31 de enero de 2026.

    English uses the day-month order of international organisations' reports (CLDR's en_GB).
    """
    from babel.dates import format_date as babel_date

    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return babel_date(value, format="long", locale="en_GB" if lang == "en" else lang)


def format_number(value: float, lang: Language, digits: int = 1) -> str:
    """A number with a fixed count of decimals and the language's separators (52.1 / 52,1)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(value, digits), format=pattern, locale=_locale(lang), decimal_quantization=True)


def format_percent(value: float, lang: Language, digits: int = 0) -> str:
    """A share (0–1) as a percentage: 92 %, 92 %, 92 %, with the language's spacing."""
    from babel.numbers import format_percent as babel_percent

    pattern = _locale(lang).percent_formats[None].pattern
    if digits:
        at = pattern.rindex("0") + 1
        pattern = pattern[:at] + "." + "0" * digits + pattern[at:]
    return babel_percent(value, format=pattern, locale=_locale(lang), decimal_quantization=True)


def plural_form(count: float, lang: Language) -> str:
    """CLDR plural category of `count` in `lang`: 'one' or 'other' (0 and 1 are 'one' in French)."""
    return _locale(lang).plural_form(count)


def count_words(count: int, forms: dict[str, str], lang: Language) -> str:
    """`count` with the right form of its noun: forms maps CLDR categories ('one', 'other', …) to words."""
    form = forms.get(plural_form(count, lang)) or forms["other"]
    return f"{count} {form}" if "{n}" not in form else form.replace("{n}", str(count))


def typography(text: str, lang: Language) -> str:
    """French spacing: a narrow no-break space before ; : ! ? and inside « », never doubled.

    Other languages are returned unchanged. Colons inside times or links (`10:00`, `https://`) are
    not punctuation and are left alone.
    """
    if lang != "fr" or not text:
        return text

    def space(match: re.Match[str]) -> str:
        mark = match.group(1)
        end = match.end()
        if mark != "»" and end < len(text) and not text[end].isspace() and text[end] not in ")]»\"'":
            return match.group(0)
        return NNBSP + mark

    text = _FRENCH_SPACE.sub(space, text)
    return _FRENCH_QUOTE.sub(lambda m: m.group(1) + NNBSP, text)
