"""Thin, safe adapter over durable-rules 2.0.28 — the only module in mipat that imports it.

The rest of mipat compiles its conditions to the engine-neutral models below (`EngineRule`, `FactPattern`,
`FieldTest`, `Fact`) and calls `RuleEngine.run`. Everything durable-specific stays in this file.

Design (pitfall numbers refer to /work/shared/engine/durable-rules.md, section 2; "§5" is its addendum):

* The C core `durable_rules_engine` is driven directly (§5). `durable.engine.Host` is never used, so no
  dispatcher or timer threads exist (2.3, 2.15). No Python action runs inside the engine, so no
  exception can be swallowed (2.4) and no lease can expire (2.10). A fired rule is only a name that the
  drain loop reads back.
* Each run asserts one batch for one constant sid, drains every action, and deletes the state before
  returning. So at most one session is live per ruleset (2.6, 2.9). A lock serialises callers (2.11).
* Every batch ends with an `_eor` fact. The `_eor` rule always fires, which proves the whole batch was
  processed and that an action ran before `delete_state`, the segfault of 2.1. A rule with `absent`
  patterns has the `_eor` pattern FIRST, so negation is evaluated only after every fact is in (2.5).
* A `_sink` rule joins every fact with a fact that never exists, so no fact is "unhandled" (2.2).
* Every fact carries an explicit id equal to its key. Ids and the engine's own ids are checked for
  FNV-1a-32 collisions at compile time (2.7).
* The structural limits that hang or fail at run time are checked before the engine sees the rules (2.8).
  The alpha network below each key is modelled in Python, including the fan-out of `in` tests (`$or`).
  Beyond the root-node limit, and beyond what the shared `_eor` node can carry, the rules are sharded
  over several rulesets.
* Rules are compiled with "dist":0. The default makes a `$not` pattern ignore facts already bound by the
  rule's match patterns (found by the differential test; the notes do not list it).
* Numbers are written with a decimal point before any exponent. For a value such as 1e-05 or 1e+16,
  Python's json writes a bare exponent. The engine's parser stops at such a number: it silently drops
  the rest of the batch and returns an uninitialised state offset, and using that offset segfaults.
  (This was measured while writing this adapter; the notes do not list it.)
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import durable_rules_engine as _dre  # the C core only: importing `durable.engine` is not needed (2.3)
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "EngineLimitError",
    "EnginePlan",
    "EngineRule",
    "EngineRunError",
    "Fact",
    "FactPattern",
    "FieldTest",
    "RuleEngine",
    "engine_id_hash",
    "engine_plan",
]

# --- limits (module-level so that a test can lift one to show what the engine does without it) ---------
MAX_FRAME_PATTERNS = 16  # match patterns + the _eor gate: frame slots of one rule (error 304; 2.8)
MAX_ABSENT_PATTERNS = 16  # `$not` patterns do not use frame slots; 16 keeps the per-rule size bounded
MAX_PATTERNS_PER_KEY = 59  # patterns on one key bound the alpha stack (64 slots; error 303 at 65; 2.8)
MAX_ROOT_TESTS = 399  # distinct first-level tests per ruleset (hangs at 512; 2.8); beyond -> shard
MAX_GATED_RULES_PER_SHARD = 200  # betas on the shared _eor alpha node: error 108 at 257, no terminator at 256
MAX_RULES_PER_SHARD = 4000  # MAX_ACTIONS is 4096 per ruleset (rete.c)
MAX_NODE_CHILDREN = MAX_ROOT_TESTS  # distinct tests below any one alpha node: the same hang at 512 (2.8)
MAX_ALPHA_STACK = 60  # worst-case alpha nodes pending while one fact is matched; the C stack holds 64
MAX_FORWARD_LINKS = 100  # `in` alternatives sharing a node: its next-list holds 128, without a terminator
MAX_NODE_BETAS = 200  # patterns ending on one alpha node: its beta list holds 256, without a terminator
MAX_PATTERN_EXPRESSIONS = 31  # $and/$or markers per pattern: error 113 at 32 (MAX_SEQUENCE_EXPRESSIONS)
MAX_KEY_CHARS = 1000  # escaped JSON length of a key (it is also the fact id, copied to a stack buffer)
MAX_STRING_CHARS = 60_000  # escaped length; string compares truncate lengths to 16 bits (events.c)
MAX_EXACT_INT = 2**53  # C compares int with double by converting to double: exact only up to 2**53

SID = "mipat"  # one constant session id; at most one live state per ruleset (2.6, 2.9)
EOR_ID = "_eor"
STATE_FACT_ID = f"sid-{SID}"  # the engine stores its own state fact under this id in the same index
RESERVED_IDS = (EOR_ID, STATE_FACT_ID)

_SYSTEM_ROOT_TESTS = 3  # `$ex _eor`, `$ex k` (sink) and `$ex _never_` sit beside the key tests
_GATE = '{"g":{"$ex":{"_eor":1}}}'
_EOR_FACT = f'{{"sid":"{SID}","id":"{EOR_ID}","{EOR_ID}":1}}'
_EOR_BATCH = f"[{_EOR_FACT}]"
_SYSTEM_RULES = (
    # pri is an unsigned short in the C core: 1000000 would silently become 16960.
    '"_eor":{"pri":65535,"all":[{"m":{"$ex":{"_eor":1}}}]}',
    '"_sink":{"all":[{"m":{"$ex":{"k":1}}},{"x":{"$ex":{"_never_":1}}}]}',
)
_OPERATORS = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}
_SID_NOT_FOUND = "error code: 309"


class EngineLimitError(Exception):
    """The rules cannot be run safely by the engine. Raised at compile time; the message names the limit."""


class EngineRunError(Exception):
    """A run did not complete cleanly. No result is returned, and the session has been cleaned up."""


# --- models -----------------------------------------------------------------------------------------------


def _escaped_length(text: str) -> int:
    return len(json.dumps(text)) - 2


def _check_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("booleans are not numbers here")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite (the engine's JSON has no NaN or infinity)")
    if isinstance(value, int) and abs(value) > MAX_EXACT_INT:
        raise ValueError(f"integers must be within ±2**53 (got {value})")
    return value


def _check_string(value: str, limit: int = MAX_STRING_CHARS) -> str:
    if _escaped_length(value) > limit:
        raise ValueError(f"string too long for the engine ({_escaped_length(value)} > {limit} escaped chars)")
    return value


def _check_key(key: str) -> str:
    if not key:
        raise ValueError("a key must not be empty")
    return _check_string(key, MAX_KEY_CHARS)


class FieldTest(BaseModel):
    """One comparison on one field of a fact. A test on a field that is None in the fact never holds."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    field: Literal["v", "n", "e"]  # v = string value/code, n = number, e = evidence count
    op: Literal["eq", "ne", "gt", "gte", "lt", "lte", "in"]  # in: v is one of several strings
    value: str | int | float | tuple[str, ...]

    @field_validator("value", mode="before")
    @classmethod
    def _not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):  # pydantic would turn True into 1
            raise ValueError("booleans are not test values")
        return value

    @model_validator(mode="after")
    def _value_fits_field(self) -> FieldTest:
        if self.op == "in":
            if self.field != "v" or not isinstance(self.value, tuple) or not self.value:
                raise ValueError("'in' tests field 'v' against a non-empty tuple of strings")
            for item in self.value:
                _check_string(item)
        elif self.field == "v":
            if not isinstance(self.value, str) or self.op not in ("eq", "ne"):
                raise ValueError("field 'v' is tested only with eq/ne against a string, or with in")
            _check_string(self.value)
        else:
            if not isinstance(self.value, int | float):
                raise ValueError(f"field {self.field!r} is tested against a number")
            _check_number(self.value)
        return self


class FactPattern(BaseModel):
    """Matches ONE fact: the fact whose key == `key` and for which all tests hold (no tests = it exists)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    key: str
    tests: list[FieldTest] = Field(default_factory=list)

    @field_validator("key")
    @classmethod
    def _key_ok(cls, key: str) -> str:
        return _check_key(key)


class EngineRule(BaseModel):
    """Fires when every `match` pattern matches a fact and no `absent` pattern matches any fact."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str = Field(min_length=1)
    match: list[FactPattern]
    absent: list[FactPattern] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_pattern_per_key(self) -> EngineRule:
        seen: set[str] = set()
        for pattern in self.match:
            if pattern.key in seen:
                raise ValueError(f"rule {self.name!r}: more than one match pattern for key {pattern.key!r}")
            seen.add(pattern.key)
        return self


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    key: str
    v: str | None = None
    n: float | None = None
    e: int = 0

    @field_validator("n", "e", mode="before")
    @classmethod
    def _numbers_ok(cls, value: Any) -> Any:
        return value if value is None else _check_number(value)

    @field_validator("key")
    @classmethod
    def _key_ok(cls, key: str) -> str:
        return _check_key(key)

    @field_validator("v")
    @classmethod
    def _v_ok(cls, value: str | None) -> str | None:
        return value if value is None else _check_string(value)


# --- JSON text for the engine -------------------------------------------------------------------------------


def engine_id_hash(key: str) -> int:
    """The 32-bit hash durable-rules indexes a fact id by: FNV-1a over the escaped JSON text of the id.

    The C code XORs a signed `char`, so bytes >= 0x80 are sign-extended. That cannot happen here, because
    json.dumps escapes every non-ASCII character, but it is kept so the hash stays exact.
    """
    hash_ = 0x811C9DC5
    for byte in json.dumps(key)[1:-1].encode("ascii"):
        hash_ ^= byte if byte < 0x80 else byte | 0xFFFFFF00
        hash_ = (hash_ * 0x01000193) & 0xFFFFFFFF
    return hash_


def _json_number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    mantissa, exp_sep, exponent = text.partition("e")
    if exp_sep and "." not in mantissa:
        # "1e-05" makes the engine stop parsing and later segfault; "1.0e-05" parses correctly.
        text = f"{mantissa}.0e{exponent}"
    return text


def _in_alternatives(test: FieldTest) -> list[str]:
    """The eq tests an `in` test stands for (sorted, deduplicated); [] for any other test."""
    if not isinstance(test.value, tuple):
        return []
    return [f'{{"{test.field}":{json.dumps(option)}}}' for option in sorted(set(test.value))]


def _test_json(test: FieldTest) -> str:
    alternatives = _in_alternatives(test)  # one pattern with $or instead of one rule per alternative
    if alternatives:
        return alternatives[0] if len(alternatives) == 1 else '{"$or":[' + ",".join(alternatives) + "]}"
    value = json.dumps(test.value) if isinstance(test.value, str) else _json_number(test.value)
    if test.op == "eq":
        return f'{{"{test.field}":{value}}}'
    return f'{{"{_OPERATORS[test.op]}":{{"{test.field}":{value}}}}}'


def _pattern_json(pattern: FactPattern) -> str:
    # The key test comes first, so the only first-level tests are one per key (2.8). The other tests are
    # deduplicated and sorted: the same test then shares its alpha node, whatever order the caller used.
    key_test = f'{{"k":{json.dumps(pattern.key)}}}'
    tests = [text for text, _ in _canonical_tests(pattern)]
    return key_test if not tests else '{"$and":[' + ",".join([key_test, *tests]) + "]}"


def _canonical_tests(pattern: FactPattern) -> list[tuple[str, FieldTest]]:
    return sorted({_test_json(test): test for test in pattern.tests}.items(), key=lambda item: item[0])


class _AlphaNode:
    """Python model of one node of durable's alpha network below a key test (rete.c findAlpha/linkAlpha).

    Equal tests under the same parent share a node. An `in` test becomes one eq node per alternative, and
    each of them links, through its next-list, to a fresh "forward" node that carries the rest of the chain.
    """

    __slots__ = ("betas", "children", "forwards", "v_eq")

    def __init__(self) -> None:
        self.children: dict[str, _AlphaNode] = {}  # hash-set children, by test text
        self.v_eq: set[str] = set()  # children testing v == string: at most one of them matches a fact
        self.forwards: list[_AlphaNode] = []  # next-list: pushed for every fact that reaches this node
        self.betas = 0  # patterns that end here

    def child(self, text: str, test: FieldTest | None) -> _AlphaNode:
        if test is None or (test.field == "v" and test.op in ("eq", "in")):
            self.v_eq.add(text)
        return self.children.setdefault(text, _AlphaNode())


def _add_pattern(key_node: _AlphaNode, pattern: FactPattern) -> None:
    node = key_node
    for text, test in _canonical_tests(pattern):
        alternatives = _in_alternatives(test)
        if len(alternatives) > 1:
            forward = _AlphaNode()
            for alternative in alternatives:
                node.child(alternative, None).forwards.append(forward)
            node = forward
        else:
            node = node.child(text, test)
    node.betas += 1


def _tree_problem(key_node: _AlphaNode) -> str | None:
    """The first alpha-network limit the tree below one key test breaks, or None (2.8)."""
    # Post-order over the DAG (forward nodes have several parents), without recursion.
    bound: dict[int, int] = {}
    stack: list[tuple[_AlphaNode, bool]] = [(key_node, False)]
    while stack:
        node, expanded = stack.pop()
        successors = [*node.children.values(), *node.forwards]
        if not expanded:
            if id(node) not in bound:
                bound[id(node)] = -1  # visited
                stack.append((node, True))
                stack.extend((successor, False) for successor in successors)
            continue
        if len(node.children) > MAX_NODE_CHILDREN:
            return f"{len(node.children)} distinct tests below one node (limit {MAX_NODE_CHILDREN}; hangs at 512)"
        if len(node.forwards) > MAX_FORWARD_LINKS:
            return f"one value shared by {len(node.forwards)} 'in' tests (limit {MAX_FORWARD_LINKS})"
        if node.betas > MAX_NODE_BETAS:
            return f"{node.betas} identical patterns (limit {MAX_NODE_BETAS})"
        # Pushed when this node is popped: every child that can match the fact (all but one v == ...
        # child must fail) and every forward node. Each of them is then worked off before the next one.
        pushed = len(node.children) - len(node.v_eq) + min(1, len(node.v_eq)) + len(node.forwards)
        deepest = max((bound[id(successor)] for successor in successors), default=0)
        bound[id(node)] = 0 if not pushed else max(pushed, pushed - 1 + deepest)
    depth = 1 + bound[id(key_node)]  # the sink's `$ex k` node is pushed beside the key node
    if depth > MAX_ALPHA_STACK:
        return f"up to {depth} alpha nodes pending for one fact (limit {MAX_ALPHA_STACK}; error 303 at 65)"
    return None


def _pattern_expressions(pattern: FactPattern) -> int:
    # `$and` and each multi-value `$or` append an opening and an END marker to the pattern's beta node.
    tests = _canonical_tests(pattern)
    return (2 if tests else 0) + 2 * sum(len(_in_alternatives(test)) > 1 for _, test in tests)


def _is_gated(rule: EngineRule) -> bool:
    # Negation must wait for every fact (2.5). A rule with no pattern at all needs some fact to fire on.
    return bool(rule.absent) or not rule.match


def _rule_json(rule_id: str, rule: EngineRule) -> str:
    patterns = [_GATE] if _is_gated(rule) else []
    patterns += [f'{{"m{i}":{_pattern_json(p)}}}' for i, p in enumerate(rule.match)]
    patterns += [f'{{"n{i}$not":{_pattern_json(p)}}}' for i, p in enumerate(rule.absent)]
    # "dist":0 - by default a `$not` pattern ignores facts already bound in the rule's frame, so
    # "match K v=b, absent K e>=2" would fire for K(v=b, e=2). Match keys are distinct, so no two match
    # patterns can bind the same fact and distinctness checks are not needed anyway.
    return f'"{rule_id}":{{"dist":0,"all":[{",".join(patterns)}]}}'


def _fact_json(fact: Fact, key_json: str) -> str:
    # The types are part of the cache key, so that 1, 1.0 and True never share an entry.
    return _fact_text(key_json, fact.v, type(fact.n), fact.n, type(fact.e), fact.e)


@functools.lru_cache(maxsize=1 << 16)
def _fact_text(key_json: str, v: Any, n_type: type, n: Any, e_type: type, e: Any) -> str:
    # Re-checked here: a Fact built with model_construct() skips validation.
    parts = [f'{{"sid":"{SID}","id":{key_json},"k":{key_json}']
    if v is not None:
        if not isinstance(v, str):
            raise ValueError(f"fact {key_json}: v must be a string")
        parts.append(f',"v":{json.dumps(_check_string(v))}')
    if n is not None:
        if not isinstance(n, int | float) or isinstance(n, bool):
            raise ValueError(f"fact {key_json}: n must be a number")
        parts.append(f',"n":{_json_number(float(_check_number(n)))}')
    if not isinstance(e, int) or isinstance(e, bool):
        raise ValueError(f"fact {key_json}: e must be an integer")
    parts.append(f',"e":{_check_number(e)}}}')
    return "".join(parts)


def _pattern_names_are_distinct() -> bool:
    # Frames look patterns up by a 32-bit hash of their name (state.c), and fields are looked up the same
    # way (events.c). So the fixed names must not collide.
    names = ["g", "m", "x", *(f"m{i}" for i in range(MAX_FRAME_PATTERNS)), *(f"n{i}" for i in range(64))]
    fields = ["k", "v", "n", "e", "id", "sid", "$s", EOR_ID, "_never_"]
    return all(len({engine_id_hash(name) for name in group}) == len(group) for group in (names, fields))


if not _pattern_names_are_distinct():
    raise RuntimeError("durable-rules pattern or field names collide under FNV-1a-32")


# --- engine -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shard:
    index: int
    handle: int
    keys: frozenset[str]
    rule_ids: frozenset[str]


def _state_exists(handle: int) -> bool:
    try:
        _dre.get_state(handle, SID)
    except _dre.error as exc:
        if _SID_NOT_FOUND in str(exc):
            return False
        raise
    return True


@dataclass(frozen=True)
class EnginePlan:
    """What compile time decides, every limit of section 2 already checked: the durable-rules
    ruleset text of each shard with the keys and rule ids it holds, and the names to report.
    Plain data, so scoring can cache it between processes (building it costs about 200 ms for
    the bundled packs; creating the rulesets from it, about 15 ms)."""

    name: str
    rule_names: dict[str, str]  # engine rule id -> EngineRule name
    key_json: dict[str, str]  # every key some rule reads -> its JSON text
    shards: tuple[tuple[str, frozenset[str], frozenset[str]], ...]  # (ruleset JSON, keys, rule ids)


def engine_plan(name: str, rules: Sequence[EngineRule], fact_keys: Iterable[str]) -> EnginePlan:
    """Check `rules` against every structural limit of durable-rules and lay them out in shards."""
    rules = list(rules)
    names = [rule.name for rule in rules]
    duplicates = sorted(n for n, count in Counter(names).items() if count > 1)
    if duplicates:
        raise ValueError(f"{name}: duplicate rule names {duplicates}")
    _check_rule_limits(name, rules)
    rule_keys = {p.key for rule in rules for p in (*rule.match, *rule.absent)}
    _check_ids(name, rules, {_check_key(k) for k in fact_keys} | rule_keys)
    shards = []
    for members in _assign_shards(rules):
        body = ",".join([*(_rule_json(f"r{i}", rules[i]) for i in members), *_SYSTEM_RULES])
        keys = frozenset(p.key for i in members for p in (*rules[i].match, *rules[i].absent))
        shards.append(("{" + body + "}", keys, frozenset(f"r{i}" for i in members)))
    return EnginePlan(
        name=name,
        rule_names={f"r{i}": rule.name for i, rule in enumerate(rules)},
        key_json={key: json.dumps(key) for key in rule_keys},
        shards=tuple(shards),
    )


def _check_rule_limits(name: str, rules: list[EngineRule]) -> None:
    per_key: Counter[str] = Counter()
    trees: dict[str, _AlphaNode] = {}
    for rule in rules:
        frame = len(rule.match) + _is_gated(rule)
        if frame > MAX_FRAME_PATTERNS:
            gate = " (including the end-of-response gate that negation needs)" if rule.absent else ""
            raise EngineLimitError(
                f"{name}: rule {rule.name!r} has {frame} positive patterns{gate}; "
                f"the limit is {MAX_FRAME_PATTERNS} patterns per rule (durable-rules error 304)"
            )
        if len(rule.absent) > MAX_ABSENT_PATTERNS:
            raise EngineLimitError(
                f"{name}: rule {rule.name!r} has {len(rule.absent)} absent patterns; the limit is {MAX_ABSENT_PATTERNS}"
            )
        for pattern in (*rule.match, *rule.absent):
            per_key[pattern.key] += 1
            if per_key[pattern.key] > MAX_PATTERNS_PER_KEY:
                raise EngineLimitError(
                    f"{name}: rule {rule.name!r} makes key {pattern.key!r} tested by "
                    f"{per_key[pattern.key]} patterns; the limit is {MAX_PATTERNS_PER_KEY} per key "
                    "(durable-rules overflows its alpha stack, error 303, or hangs beyond 511 tests)"
                )
            expressions = _pattern_expressions(pattern)
            if expressions > MAX_PATTERN_EXPRESSIONS:
                raise EngineLimitError(
                    f"{name}: rule {rule.name!r}: the pattern on key {pattern.key!r} needs "
                    f"{expressions} expression slots; the limit is {MAX_PATTERN_EXPRESSIONS} "
                    "(at most 14 multi-value 'in' tests per pattern; durable-rules error 113)"
                )
            _add_pattern(trees.setdefault(pattern.key, _AlphaNode()), pattern)
        for key in sorted({p.key for p in (*rule.match, *rule.absent)}):
            problem = _tree_problem(trees[key])
            if problem:
                raise EngineLimitError(f"{name}: rule {rule.name!r}: tests on key {key!r}: {problem}")


def _check_ids(name: str, rules: list[EngineRule], keys: set[str]) -> None:
    readers: dict[str, str] = {}
    for rule in rules:
        for pattern in (*rule.match, *rule.absent):
            readers.setdefault(pattern.key, rule.name)

    def who(key: str) -> str:
        return f"key {key!r}" + (f" (read by rule {readers[key]!r})" if key in readers else "")

    seen: dict[int, str] = {engine_id_hash(reserved): reserved for reserved in RESERVED_IDS}
    for key in sorted(keys):
        if key in RESERVED_IDS:
            raise EngineLimitError(f"{name}: {who(key)} is reserved for the engine's own facts")
        hash_ = engine_id_hash(key)
        if hash_ in seen:
            raise EngineLimitError(
                f"{name}: {who(key)} and {who(seen[hash_])} have the same FNV-1a-32 fact-id hash "
                f"{hash_:#010x}; durable-rules compares only that hash, so it would drop one as a "
                "duplicate. Fact ids must be collision-free."
            )
        seen[hash_] = key


def _assign_shards(rules: list[EngineRule]) -> list[list[int]]:
    # First fit in rule order, which is deterministic. One rule always fits a fresh shard: at most
    # 16 + 16 keys.
    shards: list[tuple[set[str], list[int], list[int]]] = []  # (keys, members, gated members)
    max_keys = MAX_ROOT_TESTS - _SYSTEM_ROOT_TESTS
    for index, rule in enumerate(rules):
        keys = {p.key for p in (*rule.match, *rule.absent)}
        gated = _is_gated(rule)
        for shard_keys, members, gated_members in shards:
            if (
                len(shard_keys | keys) <= max_keys
                and len(members) < MAX_RULES_PER_SHARD
                and (not gated or len(gated_members) < MAX_GATED_RULES_PER_SHARD)
            ):
                break
        else:
            shard_keys, members, gated_members = set(), [], []
            shards.append((shard_keys, members, gated_members))
        shard_keys |= keys
        members.append(index)
        if gated:
            gated_members.append(index)
    return [members for _, members, _ in shards]


class RuleEngine:
    """Compiled rules. `run` is deterministic, synchronous, thread-safe, and never leaves a session behind."""

    def __init__(self, name: str, rules: Sequence[EngineRule], fact_keys: Iterable[str]) -> None:
        self._start(engine_plan(name, rules, fact_keys))

    @classmethod
    def from_plan(cls, plan: EnginePlan) -> RuleEngine:
        """An engine from a plan that `engine_plan` checked, perhaps in another process (a cache)."""
        engine = cls.__new__(cls)
        engine._start(plan)
        return engine

    def _start(self, plan: EnginePlan) -> None:
        self.name = plan.name
        self._lock = threading.Lock()
        self._shards: list[_Shard] = []
        self._broken: str | None = None  # set when a session could not be removed: refuse further runs
        self._closed = False
        self._rule_names = dict(plan.rule_names)
        self._key_json = dict(plan.key_json)
        try:
            for index, (body, keys, rule_ids) in enumerate(plan.shards):
                self._shards.append(self._create_shard(index, body, keys, rule_ids))
            for shard in self._shards:  # self-check: the end marker is reached, and the state is removed
                self._run_shard(shard, [])
        except BaseException:
            self.close()
            raise

    def _create_shard(self, index: int, body: str, keys: frozenset[str], rule_ids: frozenset[str]) -> _Shard:
        try:
            handle = _dre.create_ruleset(f"{self.name}#{index}", body)
        except (_dre.error, MemoryError) as exc:
            raise EngineLimitError(f"{self.name}: durable-rules rejected shard {index}: {exc}") from exc
        return _Shard(index, handle, keys, rule_ids)

    # -- run time --

    @property
    def shard_count(self) -> int:
        return len(self._shards)

    @property
    def read_keys(self) -> frozenset[str]:
        """The fact keys some rule reads; facts with other keys are dropped by `run`."""
        return frozenset(self._key_json)

    def run(self, facts: Sequence[Fact]) -> frozenset[str]:
        """One response: returns the names of the rules that fired. Fact keys must be unique."""
        by_key: dict[str, Fact] = {}
        for fact in facts:
            if not isinstance(fact, Fact):
                raise TypeError(f"expected Fact, got {type(fact).__name__}")
            if fact.key in by_key:
                raise ValueError(f"duplicate fact key {fact.key!r}: one fact per key per response")
            by_key[fact.key] = fact
        # Serialise before touching the engine, so that a bad fact raises while no session exists.
        # Facts that no rule reads are dropped (2.2, and it is cheaper).
        batch = {key: _fact_json(fact, self._key_json[key]) for key, fact in by_key.items() if key in self._key_json}
        with self._lock:
            if self._closed:
                raise EngineRunError(f"{self.name}: engine is closed")
            if self._broken:
                raise EngineRunError(f"{self.name}: engine unusable after an earlier failure: {self._broken}")
            fired: set[str] = set()
            for shard in self._shards:
                fired |= self._run_shard(shard, [text for key, text in batch.items() if key in shard.keys])
        return frozenset(self._rule_names[rule_id] for rule_id in fired)

    def _run_shard(self, shard: _Shard, fact_texts: list[str]) -> set[str]:
        handle = shard.handle
        try:
            # The end marker goes LAST in the same batch. If the engine stops early, its rule does not fire.
            code, offset = _dre.assert_facts(handle, "[" + ",".join([*fact_texts, _EOR_FACT]) + "]")[:2]
            # A batch the parser gave up on returns code 0 and garbage for the offset. Using that offset
            # segfaults, so check first that a state exists, which means at least one fact was processed.
            if not _state_exists(handle):
                raise EngineRunError(f"{self.name}: shard {shard.index}: the engine processed no fact")
            fired = self._drain(shard, offset)
        except BaseException as exc:
            self._cleanup(shard)
            if isinstance(exc, EngineRunError) or not isinstance(exc, Exception):
                raise
            raise EngineRunError(f"{self.name}: shard {shard.index}: durable-rules failed: {exc!r}") from exc
        self._delete_state(shard)
        if code != 0:  # 1 = a fact was not handled, 2 = a fact id was already observed (2.2, 2.7)
            raise EngineRunError(f"{self.name}: shard {shard.index}: durable-rules returned code {code}")
        if EOR_ID not in fired:
            raise EngineRunError(f"{self.name}: shard {shard.index}: end-of-response marker not reached")
        fired.discard(EOR_ID)
        return fired

    def _drain(self, shard: _Shard, offset: int) -> set[str]:
        # Each rule fires at most once per response (one fact per key), so the loop is bounded.
        fired: set[str] = set()
        result = _dre.start_action_for_state(shard.handle, offset)
        message = result[1] if result else None
        for _ in range(len(shard.rule_ids) + 2):
            if message is None:
                return fired
            rule_id = message[2 : message.index('"', 2)]  # message is '{"<rule id>":{...}}'
            if rule_id != EOR_ID and rule_id not in shard.rule_ids:
                raise EngineRunError(f"{self.name}: shard {shard.index}: unexpected action {message[:80]!r}")
            fired.add(rule_id)
            message = _dre.complete_and_start_action(shard.handle, offset)
        raise EngineRunError(f"{self.name}: shard {shard.index}: more actions than rules")

    def _cleanup(self, shard: _Shard) -> None:
        """Remove a failed run's session. Before deleting, make sure an action ran (2.1)."""
        try:
            if not _state_exists(shard.handle):
                return
            with contextlib.suppress(Exception):  # best effort: the delete below is what matters
                _, offset = _dre.assert_facts(shard.handle, _EOR_BATCH)[:2]  # queues the _eor action
                self._drain(shard, offset)
            self._delete_state(shard)
        except Exception as exc:
            self._broken = self._broken or f"could not remove a session of shard {shard.index}: {exc!r}"

    def _delete_state(self, shard: _Shard) -> None:
        try:
            _dre.delete_state(shard.handle, SID)
        except Exception as exc:
            self._broken = f"delete_state failed on shard {shard.index}: {exc!r}"
            raise EngineRunError(f"{self.name}: {self._broken}") from exc

    # -- diagnostics and lifetime --

    def live_sessions(self) -> int:
        """How many sessions exist in the engine right now. This is 0 whenever no run is in progress."""
        with self._lock:
            return 0 if self._closed else sum(_state_exists(shard.handle) for shard in self._shards)

    def close(self) -> None:
        """Free the C rulesets. Without this, a process can create at most 131,071 of them (MAX_HANDLES)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._broken:
                return  # a session may still be live: leaking the ruleset is safer than freeing under it
            for shard in self._shards:
                _dre.delete_ruleset(shard.handle)

    def __enter__(self) -> RuleEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # e.g. at interpreter shutdown
            if hasattr(self, "_lock"):
                self.close()
