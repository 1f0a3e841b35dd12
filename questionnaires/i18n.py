"""The three languages every user-facing text is written in."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from mipat.questionnaires.languages import LANGUAGES, Language

__all__ = ["LANGUAGES", "Language", "Text"]


class Text(BaseModel):
    """One user-facing text in English, French and Spanish; a missing or blank one fails loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    en: str
    fr: str
    es: str

    @field_validator("en", "fr", "es")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("translation is blank")
        return value.strip()

    def get(self, lang: Language) -> str:
        return getattr(self, lang)
