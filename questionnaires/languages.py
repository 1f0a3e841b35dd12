"""The three languages of every user-facing text; importable without pydantic (the CLI needs it at start-up)."""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "fr", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "fr", "es")
