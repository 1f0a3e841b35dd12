"""Messages a person reads in the terminal (CLI lines, validation problems, score text), from `data/messages.yaml`.

A message is one text per language, or, for a count, one text per CLDR plural category per
language ("1 règle remplie", "3 règles remplies"). French output gets its narrow no-break spaces
before ; : ! ? here, so no caller has to remember them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel, field_validator

from mipat.questionnaires.bundled_cache import cached_bundled
from mipat.questionnaires.i18n import LANGUAGES, Language, Text
from mipat.questionnaires.locale_format import format_number, typography
from mipat.questionnaires.model_loading import load_model
from mipat.questionnaires.problems import Wording

MESSAGES_FILE = Path(__file__).parent / "data" / "messages.yaml"
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


class Plural(BaseModel):
    """A count's wording per CLDR plural category; `{n}` is the count. `other` is required."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    en: dict[str, str]
    fr: dict[str, str]
    es: dict[str, str]

    @field_validator("en", "fr", "es")
    @classmethod
    def _forms(cls, forms: dict[str, str]) -> dict[str, str]:
        if "other" not in forms:
            raise ValueError("plural forms need 'other'")
        unknown = set(forms) - PLURAL_CATEGORIES
        if unknown:
            raise ValueError(f"not CLDR plural categories: {', '.join(sorted(unknown))}")
        if any(not text.strip() for text in forms.values()):
            raise ValueError("translation is blank")
        return {category: text.strip() for category, text in forms.items()}

    def get(self, lang: Language, count: float) -> str:
        forms: dict[str, str] = getattr(self, lang)
        return forms.get(plural_rules()[lang](count)) or forms["other"]


class Messages(RootModel[dict[str, Text | Plural]]):
    model_config = ConfigDict(defer_build=True)


@cache
def plural_rules() -> dict[str, Callable[[float], str]]:
    """CLDR's plural rule of each language, kept in the bundled cache: loading a Babel locale costs
    80 ms, which `validate` (the only Babel user there, for "1 erreur") should not pay every time."""

    def build() -> dict[str, Callable[[float], str]]:
        from babel.localedata import load

        return {lang: load(lang)["plural_form"] for lang in LANGUAGES}

    return cached_bundled("plural-rules", build)


@cache
def messages() -> Messages:
    return cached_bundled("messages", lambda: load_model(MESSAGES_FILE, Messages)[0])


def _value(value: Any, lang: Language) -> Any:
    if isinstance(value, Wording):
        return render(value, lang)
    if isinstance(value, Text):
        return value.get(lang)
    return value


def either(items: list[str]) -> Wording:
    """Items joined by the language's "or": `RS.9 or RS.8`, `RS.9 ou RS.8`."""
    return Wording(key="or_word", values={"items": list(items)})


def message(key: str, lang: Language, /, **values: Any) -> str:
    """The message `key` in `lang`, its `{placeholders}` filled (a Wording value is rendered too)."""
    entry = messages().root[key]
    if isinstance(entry, Plural):
        raise TypeError(f"message {key!r} is a count: use count_message")
    filled = {name: _value(value, lang) for name, value in values.items()}
    # Spacing goes into the template only: values are codes, file names and the respondent's own text.
    return typography(entry.get(lang), lang).format(**filled)


def count_message(key: str, count: int, lang: Language, /, **values: Any) -> str:
    """The form of `key` that CLDR's plural rules give `count` in `lang`, with `{n}` the count."""
    entry = messages().root[key]
    if not isinstance(entry, Plural):
        raise TypeError(f"message {key!r} is not a count")
    filled = {name: _value(value, lang) for name, value in values.items()}
    shown = str(count) if abs(count) < 10_000 else format_number(count, lang, digits=0)  # 469,801 / 469 801
    return typography(entry.get(lang, count), lang).format(n=shown, **filled)


def render(wording: Wording, lang: Language) -> str:
    if wording.key == "or_word" and "items" in wording.values:
        return f" {message('or_word', lang)} ".join(str(item) for item in wording.values["items"])
    if wording.count is not None:
        return count_message(wording.key, wording.count, lang, **wording.values)
    return message(wording.key, lang, **wording.values)
