"""Web addresses in user text made clickable: `/URI` link annotations over the printed address.

A respondent's evidence reference is often an address (`https://…/plan.pdf`). `literal` paragraphs put
user text straight into ReportLab's line fragments, bypassing the markup parser and so its `<a href>`;
`link_fragments` gives the fragments the same `link` attribute the parser would give, and ReportLab
then draws the annotation over every line the address occupies (a long address still wraps as before:
the text and its fragments' widths are unchanged, only the link travels with them).

Only `http://`, `https://` and `www.` addresses become links, and the target is always http(s): text
such as `javascript:…` or `file:…` stays plain text. The target is written in ASCII, as a PDF `/URI`
must be: a non-ASCII host becomes its IDNA form, other non-ASCII characters are percent-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import quote, urlsplit, urlunsplit

from reportlab.platypus.paraparser import ParaFrag

# An address ends at whitespace (non-breaking and zero-width spaces included), a control character, or
# a character that never appears unescaped in an address and often surrounds one in prose: < > " « ».
_STOP = r"\s\x00-\x1f\x7f<>\"«»\u200b-\u200d\u2060\ufeff"
_ADDRESS = re.compile(rf"(?<![\w@./-])(?:https?://|www\.)[^{_STOP}]+", re.IGNORECASE)
# Punctuation that ends a sentence or a clause rather than the address: "see https://x.org/a."
_TRAILING = ".,;:!?'’”)]}*"
# Characters left as they are in the target: RFC 3986 reserved and unreserved ones, and "%" of an
# already encoded address.
_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


def link_fragments(fragments: Sequence[ParaFrag]) -> list[ParaFrag]:
    """`fragments` with every web address in their text split into a fragment of its own that links to it.

    Fragments without an address, and fragments that already link somewhere, are returned as they are
    (so a second pass changes nothing); the others are cloned, so a shared template fragment is never
    changed. Link numbers are unique within the paragraph: one annotation per address, even when the
    same address appears twice.
    """
    numbers = _numbers(fragments)
    out: list[ParaFrag] = []
    for fragment in fragments:
        text = getattr(fragment, "text", "")
        # a fragment that already links somewhere (markup's <a href>, or a second pass) is left alone
        spans = [] if getattr(fragment, "link", None) else list(web_addresses(text))
        if not spans:
            out.append(fragment)
            continue
        position = 0
        for start, end, target in spans:
            if start > position:
                out.append(fragment.clone(text=text[position:start]))
            out.append(fragment.clone(text=text[start:end], link=[(next(numbers), target)]))
            position = end
        if position < len(text):
            out.append(fragment.clone(text=text[position:]))
    return out


def web_addresses(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, target) of each web address in `text`; the target is an ASCII http(s) URL."""
    for match in _ADDRESS.finditer(text):
        start, end = match.span()
        end = start + len(_without_trailing_punctuation(match.group()))
        written = text[start:end]
        target = _target(written)
        if target is not None:
            yield start, end, target


def _without_trailing_punctuation(address: str) -> str:
    while address and address[-1] in _TRAILING:
        # a closing bracket that closes one opened inside the address belongs to it (…/Foo_(bar))
        closing = address[-1]
        opening = {")": "(", "]": "[", "}": "{"}.get(closing)
        if opening and address.count(opening) >= address.count(closing):
            break
        address = address[:-1]
    return address


def _target(written: str) -> str | None:
    """The URL to open for an address as written, or None when it has no host to go to."""
    url = written if "://" in written else f"https://{written}"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal: print it, do not link it
        return None
    if parts.scheme.lower() not in ("http", "https") or not host.strip("."):
        return None
    if parts.username is not None:
        return None  # user:password@host is a phishing pattern, not an evidence reference
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = quote(host, safe="-.")
    netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_SAFE),
            quote(parts.query, safe=_SAFE),
            quote(parts.fragment, safe=_SAFE),
        )
    )


def _numbers(fragments: Sequence[ParaFrag]) -> Iterator[int]:
    """Link numbers not yet used by any fragment of the paragraph."""
    used = [number for f in fragments for number, _ in (getattr(f, "link", None) or [])]
    number = max(used, default=-1)
    while True:
        number += 1
        yield number
