"""Text that is safe to print: file names and user text can neither forge a line nor drive a terminal.

Control characters (C0, DEL, C1), bidirectional overrides (which reorder what a reader sees) and
lone surrogates (undecodable bytes of a file name, as Python's os.fsdecode keeps them) are shown
as escapes: `\\x1b`, `\\u202e`, `\\xff` for the undecodable byte 0xff.
"""

from __future__ import annotations

import os
import re

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_BIDI_CONTROLS}]")
_UNSAFE_KEEPING_LINES = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff{_BIDI_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte: show that byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """`text` on one line, every unsafe character escaped (for names and one-line messages)."""
    return _UNSAFE.sub(_escape, text)


def escape_terminal(text: str) -> str:
    """Multi-line output with every unsafe character escaped but its newlines and tabs kept."""
    return _UNSAFE_KEEPING_LINES.sub(_escape, text)


def display_name(path: os.PathLike[str] | str | bytes) -> str:
    """A path as mipat prints and records it."""
    return escape_controls(os.fsdecode(path))
