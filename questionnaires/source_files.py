"""Reading YAML and JSON files safely, keeping the line of every value.

Every file mipat reads (definitions, packs, responses, tailoring) goes through `read_document`.
It is built for files that come from outside:

* size is checked before parsing, and nesting depth and node count while composing, so a 50 MB
  document or a ten-thousand-deep list ends in a clear error with memory bounded;
* YAML aliases are refused outright: human-written forms never need them, and refusing them makes
  "billion laughs" documents impossible rather than merely slow;
* only plain data tags construct values (PyYAML's safe constructor), so `!!python/object` fails;
* `yes`, `no`, `on`, `off` stay strings (YAML 1.2 booleans only), because `yes`/`no` are answer
  codes here and a Norwegian `NO` is a country code, not `False`; dates stay strings as well, so
  a value's type never depends on how it happens to look;
* numbers follow YAML 1.2's core schema, never YAML 1.1's: `023` is not octal 19, `1:30` not 90,
  `0x1F` not 31 and `1_000` not 1000. Those forms stay strings (so a code such as `023` is reported
  as an unknown code, never scored as another number); `.inf`, `.nan` and numbers too large for a
  float are an error; a float remembers how it was written, so `17.10` can still be read as a code;
* duplicate mapping keys are an error, not a silent "last one wins" that would lose an answer.
"""

from __future__ import annotations

import json
import math
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mipat.questionnaires.problems import InputError, Problem, Wording, worded
from mipat.questionnaires.safe_text import display_name

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 500_000

Location = tuple[str | int, ...]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


# Events come from libyaml's C parser when PyYAML was built with it (about ten times faster than
# the pure-Python scanner); composition, type resolution and every limit below are ours, so both
# parsers give the same data, lines and errors.
_EventSource: Any = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _Resolver(yaml.SafeLoader):
    """Scalar resolution and construction of the safe schema, with YAML 1.2 booleans and no timestamps."""


_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ = (
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")
)
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}

# YAML 1.2 core schema numbers, except that a leading zero makes a string rather than a decimal
# (`023` is a code or a typo, and YAML 1.1 readers would take it for octal).
_INT_TEXT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT_TEXT = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)$")
_SPECIAL_FLOAT_TEXT = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")

_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(_INT, _INT_TEXT, list("-+0123456789"))
_Resolver.add_implicit_resolver(_FLOAT, _FLOAT_TEXT, list("-+0123456789."))
_Resolver.add_implicit_resolver(_FLOAT, _SPECIAL_FLOAT_TEXT, list("-+."))
_RESOLVER = _Resolver("")
# The resolved tag of plain scalar texts already seen (bounded: a cache, not a copy of every input).
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_MAX = 4096


class SourceFloat(float):
    """A float that remembers how it was written: unquoted `17.10` is 17.1 as a number but the code
    '17.10' where a code is expected."""

    text: str

    def __new__(cls, text: str) -> SourceFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __reduce__(self) -> tuple[Any, ...]:  # pickled in the bundled-data cache
        return (SourceFloat, (self.text,))


def _number(tag: str, text: str) -> int | float:
    """A number in YAML 1.2 form; ValueError (with the reason) for any other form or a non-finite value."""
    if tag == _INT:
        if not _INT_TEXT.match(text):
            raise ValueError(f"{text} is not a whole number in decimal form (no leading zero, no 0x, no 1:30)")
        return int(text)
    if not _FLOAT_TEXT.match(text):
        raise ValueError(f"{text} is not a finite decimal number")
    number = SourceFloat(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a number")
    return number


@dataclass
class Document:
    """Parsed content of one file plus the 1-based line where each value starts."""

    file: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    # JSON is parsed by the C decoder, which keeps no positions; its lines are found only when a
    # problem must be located (a valid 40 KiB result would otherwise pay for a second, slow parse).
    json_text: str | None = field(default=None, repr=False)

    def line_of(self, location: Location) -> int | None:
        """Line of the value at `location`, or of its nearest located ancestor."""
        if self.json_text is not None:
            self.lines, self.json_text = _json_lines(self.json_text), None
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())

    def problem(self, code: str, message: str | Wording, location: Location = (), **extra: Any) -> Problem:
        return Problem.from_words(
            code,
            message,
            file=self.file,
            line=self.line_of(location),
            path=pointer(location) if location else None,
            **extra,
        )


def pointer(location: Location) -> str:
    """A readable path such as `answers.WOG.1.evidence[0].title`."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _fail(file: str, code: str, message: str | Wording, line: int | None = None) -> InputError:
    return InputError(message, [Problem.from_words(code, message, file=file, line=line)])


def read_text(path: Path, *, display: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """File content as text: size-checked before reading, strict UTF-8 (a BOM is allowed)."""
    name = display or display_name(path)
    return decode(read_bytes(path, display=name, max_bytes=max_bytes), name)


def read_bytes(path: Path, *, display: str | None = None, max_bytes: int = MAX_BYTES) -> bytes:
    """File content, size-checked before reading; only a regular file is opened."""
    name = display or display_name(path)
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(name)
        if not stat.S_ISREG(status.st_mode):  # a FIFO or a device would block or never end: never opened
            raise _fail(name, "not-a-file", worded("file_not_regular"))
        if status.st_size > max_bytes:
            raise _fail(
                name, "too-large", f"file is {status.st_size} bytes; mipat reads files of at most {max_bytes} bytes"
            )
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise _fail(name, "not-found", worded("file_not_found")) from None
    except IsADirectoryError:
        raise _fail(name, "not-a-file", worded("file_is_folder")) from None
    except PermissionError:
        raise _fail(name, "unreadable", worded("file_unreadable")) from None
    except OSError as exc:  # a symlink loop, a name too long, a path through a file, an I/O error
        raise _fail(name, "unreadable", worded("file_os_error", reason=exc.strerror or type(exc).__name__)) from None
    if len(raw) > max_bytes:
        raise _fail(name, "too-large", f"file is larger than {max_bytes} bytes")
    return raw


def decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(name, "not-utf8", worded("file_not_utf8", offset=exc.start), line) from None
    if "\x00" in text:
        raise _fail(
            name,
            "binary",
            "contains NUL bytes; expected a YAML or JSON text file",
            text[: text.index("\x00")].count("\n") + 1,
        )
    return text


def read_document(path: Path, *, display: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Parse a `.json` file as JSON and anything else as YAML, with located errors."""
    name = display or display_name(path)
    text = read_text(path, display=name, max_bytes=max_bytes)
    if path.suffix.lower() == ".json":
        return parse_json(text, name)
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Document:
    events = _EventSource(text)
    try:
        # A value can hold a refused character only if the text holds it raw or an escape (a
        # backslash) writes it; otherwise no value needs checking one by one.
        check_texts = "\\" in text or _UNWRITABLE.search(text) is not None
        return _Composer(events, name, check_texts=check_texts).document()
    except yaml.MarkedYAMLError as exc:
        line, message = _syntax_error(exc, text)
        raise _fail(name, "yaml-syntax", message, line) from None
    except yaml.reader.ReaderError as exc:
        raise _control_character(exc, text, name) from None
    except yaml.YAMLError as exc:
        raise _fail(name, "yaml-syntax", f"invalid YAML: {exc}") from None
    finally:
        events.dispose()


# What the parser says (libyaml's words, then PyYAML's), which mark is the mistake's own and the hint
# a person needs. The parser notices a missing colon or an unclosed bracket or quote only lines
# later; the context mark is where the key, bracket or quote started, which is where to fix it.
_SYNTAX_HINTS: tuple[tuple[str, bool, str], ...] = (
    ("tab character", False, "yaml_hint_tab"),
    ("'\\t'", False, "yaml_hint_tab"),
    ("could not find expected ':'", True, "yaml_hint_colon"),
    ("quoted scalar found unexpected end of stream", True, "yaml_hint_quote"),
    ("quoted scalar found unexpected document", True, "yaml_hint_quote"),
    ("flow sequence", True, "yaml_hint_bracket"),
    ("flow mapping", True, "yaml_hint_brace"),
    ("mapping values are not allowed", False, "yaml_hint_value_colon"),
    ("did not find expected key", False, "yaml_hint_indent"),
    ("expected <block end>", False, "yaml_hint_indent"),
)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, Wording]:
    """The line and column of a YAML syntax mistake, with a plain hint when the mistake is a common one."""
    said = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
    for words, at_context, hint in _SYNTAX_HINTS:
        if words in said:
            mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
            if mark is None:
                break
            quote = _character_at(text, mark) if hint == "yaml_hint_quote" else ""
            said_as = worded(hint, quote=quote or '"', example=_with_colon(text, mark), sign="': '")
            return mark.line + 1, worded("file_yaml_mistake", column=mark.column + 1, hint=said_as)
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None, worded("file_bad_yaml", detail=said)
    return mark.line + 1, worded("file_bad_yaml_at", detail=said, column=mark.column + 1)


def _with_colon(text: str, mark: yaml.Mark) -> str:
    """The line at `mark` as a key and its value (`STA.1 3` → `STA.1: 3`), for the missing-colon hint."""
    lines = text.splitlines()
    written = lines[mark.line].strip() if 0 <= mark.line < len(lines) else ""
    key, _, value = written.partition(" ")
    return f"`{key}: {value.strip()}`" if key and value.strip() else "`key: value`"


def _character_at(text: str, mark: yaml.Mark) -> str:
    lines = text.splitlines()
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _control_character(exc: yaml.reader.ReaderError, text: str, name: str) -> InputError:
    # libyaml reports a byte offset and a code point, PyYAML's reader a character offset and a character.
    if isinstance(exc.character, int):
        line = text.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n") + 1
        character = chr(exc.character)
    else:
        line = text[: exc.position].count("\n") + 1
        character = exc.character
    return _fail(name, "yaml-syntax", f"invalid YAML: control character {character!r} is not allowed", line)


class _Composer:
    """Builds plain data and the line of every value straight from parser events, within the limits."""

    def __init__(self, events: Any, name: str, *, check_texts: bool = True) -> None:
        self.events = events
        self.check_texts = check_texts
        self.name = name
        self.lines: dict[Location, int] = {}
        self.nodes = 0

    def document(self) -> Document:
        events = self.events
        events.get_event()  # stream start
        if events.check_event(yaml.StreamEndEvent):
            return Document(self.name, None, {(): 1})
        events.get_event()  # document start
        data = self.value(events.get_event(), (), 1)
        events.get_event()  # document end
        if not events.check_event(yaml.StreamEndEvent):
            mark = events.peek_event().start_mark
            raise yaml.MarkedYAMLError(
                "expected a single document in the stream", None, "but found another document", mark
            )
        return Document(self.name, data, self.lines)

    def value(self, event: yaml.Event, loc: Location, depth: int) -> Any:
        """The value that starts with `event` (already taken from the parser: one call per event)."""
        kind = type(event)
        if kind is yaml.AliasEvent:
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed in mipat files", event.start_mark
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise yaml.MarkedYAMLError(None, None, f"document has more than {MAX_NODES} values", event.start_mark)
        if depth > MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                None, None, f"document is nested deeper than {MAX_DEPTH} levels", event.start_mark
            )
        line = event.start_mark.line + 1
        # A mapping value is located at its key, which is the line a user looks for.
        self.lines.setdefault(loc, line)
        if kind is yaml.ScalarEvent:
            return self.scalar(event, line)
        get_event = self.events.get_event
        if kind is yaml.SequenceStartEvent:
            self.check_tag(event.tag, _SEQ, line)
            items: list[Any] = []
            while type(item := get_event()) is not yaml.SequenceEndEvent:
                items.append(self.value(item, (*loc, len(items)), depth + 1))
            return items
        self.check_tag(event.tag, _MAP, line)
        result: dict[str, Any] = {}
        while type(key_event := get_event()) is not yaml.MappingEndEvent:
            key_line = key_event.start_mark.line + 1
            if type(key_event) is yaml.AliasEvent:
                raise yaml.MarkedYAMLError(
                    None, None, "YAML aliases (*name) are not allowed in mipat files", key_event.start_mark
                )
            if type(key_event) is not yaml.ScalarEvent:
                raise _fail(self.name, "bad-key", "mapping keys must be plain values", key_line)
            self.nodes += 1
            key = self.scalar(key_event, key_line)
            if not isinstance(key, str | int | float) or isinstance(key, bool) or key is None:
                raise _fail(self.name, "bad-key", f"mapping key {key!r} must be text", key_line)
            key = key.text if isinstance(key, SourceFloat) else str(key)
            self.lines[(*loc, key)] = key_line
            if key in result:
                raise _fail(self.name, "duplicate-key", worded("file_duplicate_key", key=repr(key)), key_line)
            result[key] = self.value(get_event(), (*loc, key), depth + 1)
        return result

    def check_tag(self, tag: str | None, plain: str, line: int) -> None:
        if tag not in (None, "!", plain):
            raise _fail(self.name, "yaml-tag", f"unsupported YAML tag {tag!r}: only plain data is read", line)

    def scalar(self, event: yaml.ScalarEvent, line: int) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            # Quoted text is a string; a plain scalar's type depends only on its text, and a response
            # repeats the same codes hundreds of times.
            if not event.implicit[0]:
                tag = _STR
            elif (tag := _PLAIN_TAGS.get(event.value)) is None:
                tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, (True, False))
                if len(_PLAIN_TAGS) < _PLAIN_TAGS_MAX:
                    _PLAIN_TAGS[event.value] = tag
        if tag not in _SCALAR_TAGS:
            raise _fail(self.name, "yaml-tag", f"unsupported YAML tag {tag!r}: only plain data is read", line)
        if tag == _STR:
            if self.check_texts:
                _check_text(event.value, self.name, line)
            return event.value
        if tag in (_INT, _FLOAT):
            try:
                return _number(tag, event.value)
            except ValueError as exc:
                raise _fail(self.name, "yaml-value", f"unreadable value: {exc}", line) from None
        node = yaml.ScalarNode(tag, event.value)
        try:
            # The constructor functions themselves: construct_object() would memoise every node.
            return _RESOLVER.yaml_constructors[tag](_RESOLVER, node)
        except ValueError as exc:
            raise _fail(self.name, "yaml-value", f"unreadable value: {exc}", line) from exc


# Raw control characters are refused by the YAML reader; these are the ones an escape can still write
# ("\e", "\0", "\u001b" in YAML or JSON), plus lone surrogates, which no UTF-8 output can encode.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _check_text(text: str, name: str, line: int | None) -> None:
    found = _UNWRITABLE.search(text)
    if found is not None:
        code = ord(found.group())
        key = "file_lone_surrogate" if 0xD800 <= code <= 0xDFFF else "file_control_character"
        raise _fail(name, "control-character", worded(key, code=f"U+{code:04X}"), line)


def _check_json_texts(value: Any, document: Document, loc: Location = ()) -> None:
    """The same refusal for JSON, located by the path of the first offending text or key."""
    if isinstance(value, str):
        if _UNWRITABLE.search(value):
            _check_text(value, document.file, document.line_of(loc))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json_texts(item, document, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if _UNWRITABLE.search(key):
                _check_text(key, document.file, document.line_of(loc))
            _check_json_texts(item, document, (*loc, key))


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} appears twice in one object")
        result[key] = value
    return result


def parse_json(text: str, name: str) -> Document:
    try:
        data = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_float=_json_float
        )
    except json.JSONDecodeError as exc:
        raise _fail(
            name, "json-syntax", worded("file_bad_json", detail=exc.msg, column=exc.colno), exc.lineno
        ) from None
    except ValueError as exc:
        raise _fail(name, "json-syntax", f"invalid JSON: {exc}") from None
    except RecursionError:
        raise _fail(name, "too-deep", "document is nested too deeply") from None
    depth = _depth(data)
    if depth > MAX_DEPTH:
        raise _fail(name, "too-deep", f"document is nested deeper than {MAX_DEPTH} levels")
    document = Document(name, data, json_text=text)
    if "\\" in text:  # JSON strings hold no raw control characters: only an escape can write one
        _check_json_texts(data, document)
    return document


def _json_float(text: str) -> SourceFloat:
    number = SourceFloat(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a number")
    return number


def _reject_constant(token: str) -> None:
    raise ValueError(f"{token} is not a JSON number")


def _depth(value: Any) -> int:
    depth, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        depth = max(depth, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return depth


def _json_lines(text: str) -> dict[Location, int]:
    """Lines of JSON values, read through the YAML composer (JSON is YAML flow syntax).

    Best effort only: the values come from `json.loads`; when the composer disagrees with a
    JSON quirk, problems are reported with their path and without a line.
    """
    try:
        return parse_yaml(text, "<json>").lines
    except InputError:
        return {}
