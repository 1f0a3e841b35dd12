"""rules.engine: every measured durable-rules pitfall is impossible through the adapter.

All tests drive the REAL engine (no mocks). Scenarios that could crash or hang the interpreter run in a
subprocess with a timeout, so a segfault or a hang fails one test instead of killing pytest. Pitfall
numbers refer to /work/shared/engine/durable-rules.md.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import mipat.rules.engine as engine_module
from mipat.rules.engine import (
    EngineLimitError,
    EngineRule,
    EngineRunError,
    Fact,
    FactPattern,
    FieldTest,
    RuleEngine,
    engine_id_hash,
)
from tests.engine_reference import evaluate

REPO = Path(__file__).resolve().parents[1]

# Found by enumerating "Q0", "Q1", "Q2", ... and keeping a dict of FNV-1a-32 hashes until the first repeat
# (3 s of plain Python; the first collision appears after about 1.3 million strings).
COLLIDING_KEYS = ("Q1149599", "Q1312382")


def t(field: str, op: str, value: str | float) -> FieldTest:
    return FieldTest(field=field, op=op, value=value)  # type: ignore[arg-type]


def p(key: str, *tests: FieldTest) -> FactPattern:
    return FactPattern(key=key, tests=list(tests))


def rule(name: str, match: list[FactPattern], absent: list[FactPattern] | None = None) -> EngineRule:
    return EngineRule(name=name, match=match, absent=absent or [])


def keys_of(rules: list[EngineRule]) -> set[str]:
    return {pattern.key for r in rules for pattern in (*r.match, *r.absent)}


def fnv1a32(data: bytes) -> int:
    """Textbook FNV-1a 32 (independent of the adapter's implementation)."""
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) % 2**32
    return value


def run_python(code: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_json_line(proc: subprocess.CompletedProcess[str]) -> object:
    assert proc.returncode == 0, f"exit {proc.returncode} (negative = killed by a signal)\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# Shared by the subprocess scripts: small helpers to build rules compactly.
PRELUDE = """
import json, random
from mipat.rules.engine import *
import mipat.rules.engine as engine_module
from tests.engine_reference import evaluate
def t(f, o, v): return FieldTest(field=f, op=o, value=v)
def p(k, *ts): return FactPattern(key=k, tests=list(ts))
def lift_alpha_limits():
    for limit in ("MAX_PATTERNS_PER_KEY", "MAX_NODE_CHILDREN", "MAX_ALPHA_STACK"):
        setattr(engine_module, limit, 10**6)
"""


def sub(code: str) -> str:
    return f"import sys; sys.path.insert(0, 'tests')\n{PRELUDE}\n{textwrap.dedent(code)}"


SCORING_RULES = [
    rule("A-yes", [p("A", t("v", "eq", "yes"))]),
    rule("B-ev2", [p("B", t("e", "gte", 2))]),
    rule("C-weak", [p("C", t("v", "ne", "yes"))]),
    rule("A+B", [p("A", t("v", "eq", "yes")), p("B", t("n", "gt", 1.5))]),
    rule("D-unless-E", [p("D", t("v", "eq", "yes"))], [p("E", t("v", "eq", "yes"))]),
    rule("no-F", [], [p("F")]),
]


@pytest.fixture
def scoring() -> Iterator[RuleEngine]:
    with RuleEngine("scoring", SCORING_RULES, keys_of(SCORING_RULES) | {"unused"}) as eng:
        yield eng


# --- 2.1 segfault: delete_state after a response where no action ran -------------------------------------


def test_a_response_where_no_rule_matches_then_session_deletion_does_not_crash_the_process() -> None:
    # Fresh process, fresh engine: the first run matches nothing (the crash in the notes happened there),
    # then a partial join, then an empty response. The _eor rule fires in each, so delete_state is safe.
    proc = run_python(
        sub("""
        rules = [EngineRule(name="join", match=[p("A", t("v", "eq", "yes")), p("B", t("e", "gte", 1))]),
                 EngineRule(name="single", match=[p("C", t("n", "lt", 0))])]
        eng = RuleEngine("seg", rules, ["A", "B", "C"])
        out = []
        for _ in range(200):
            out.append(sorted(eng.run([Fact(key="A", v="no"), Fact(key="C", n=5.0)])))  # nothing
            out.append(sorted(eng.run([Fact(key="A", v="yes")])))                       # half a join
            out.append(sorted(eng.run([])))                                             # no facts
        print(json.dumps({"distinct": sorted(set(map(tuple, out))), "live": eng.live_sessions()}))
        """),
        timeout=60,
    )
    assert last_json_line(proc) == {"distinct": [[]], "live": 0}


# --- 2.2 unmatched facts in a batch ---------------------------------------------------------------------


def test_unmatched_facts_in_a_batch_do_not_lose_the_other_rules_actions(scoring: RuleEngine) -> None:
    # C (v == "yes") and D (v == "no") are read by rules but match none. Without the sink, the engine
    # reports the whole batch as unhandled and does not run any action.
    facts = [
        Fact(key="C", v="yes"),
        Fact(key="A", v="yes"),
        Fact(key="D", v="no"),
        Fact(key="B", n=2.0, e=3),
        Fact(key="F"),
    ]
    assert scoring.run(facts) == {"A-yes", "B-ev2", "A+B"} == evaluate(SCORING_RULES, facts)


def test_facts_whose_key_no_rule_reads_are_dropped_not_rejected(scoring: RuleEngine) -> None:
    facts = [Fact(key="unused", v="yes"), Fact(key="never-declared", n=1.0), Fact(key="A", v="yes")]
    assert scoring.run(facts) == {"A-yes", "no-F"}


# --- 2.5 negation ---------------------------------------------------------------------------------------


def test_negation_is_evaluated_after_all_facts_whatever_their_order(scoring: RuleEngine) -> None:
    veto = Fact(key="E", v="yes")
    base = [Fact(key="D", v="yes"), Fact(key="A", v="no"), Fact(key="F")]
    for order in itertools.permutations([*base, veto]):  # includes the veto asserted after D
        assert "D-unless-E" not in scoring.run(list(order)), order
    for order in itertools.permutations(base):
        assert "D-unless-E" in scoring.run(list(order)), order
    # A fact that exists but fails the absent pattern's test does not block the rule.
    assert "D-unless-E" in scoring.run([Fact(key="D", v="yes"), Fact(key="E", v="no")])


def test_a_rule_with_only_absent_patterns_fires_exactly_when_none_of_them_match(scoring: RuleEngine) -> None:
    assert "no-F" in scoring.run([])
    assert "no-F" in scoring.run([Fact(key="A", v="yes")])
    assert "no-F" not in scoring.run([Fact(key="A", v="yes"), Fact(key="F")])
    always = rule("always", [])  # neither match nor absent: fires on every response
    with RuleEngine("always", [always], []) as eng:
        assert eng.run([]) == {"always"}


def test_a_test_on_a_field_that_is_none_never_holds_not_even_ne() -> None:
    rules = [
        rule("n>=2", [p("A", t("n", "gte", 2))]),
        rule("v!=yes", [p("A", t("v", "ne", "yes"))]),
        rule("no-small-n", [p("A")], [p("A", t("n", "lt", 5))]),  # absent holds: n is None
        rule("e==0", [p("A", t("e", "eq", 0))]),  # e defaults to 0, so it is never None
    ]
    facts = [Fact(key="A")]
    with RuleEngine("none", rules, ["A"]) as eng:
        assert eng.run(facts) == {"no-small-n", "e==0"} == evaluate(rules, facts)


# --- 2.7 FNV-1a-32 identity ----------------------------------------------------------------------------


def test_fact_keys_with_colliding_fnv1a32_ids_are_rejected_at_compile_time() -> None:
    first, second = COLLIDING_KEYS
    assert first != second
    assert fnv1a32(first.encode()) == fnv1a32(second.encode()) == engine_id_hash(first) == engine_id_hash(second)
    rules = [rule("first", [p(first)]), rule("second", [p(second)])]
    with pytest.raises(EngineLimitError, match="FNV-1a-32") as caught:
        RuleEngine("collide", rules, [first, second])
    assert first in str(caught.value) and second in str(caught.value) and "rule 'first'" in str(caught.value)
    with pytest.raises(EngineLimitError, match=second):  # also among declared fact keys no rule reads
        RuleEngine("collide", [rule("other", [p("A")])], ["A", first, second])


def test_without_the_collision_check_durable_really_drops_a_fact_and_the_run_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_module, "_check_ids", lambda name, rules, keys: None)
    first, second = COLLIDING_KEYS
    with RuleEngine("collide", [rule("first", [p(first)]), rule("second", [p(second)])], []) as eng:
        with pytest.raises(EngineRunError, match="code 2"):  # "already observed": second fact was lost
            eng.run([Fact(key=first), Fact(key=second)])
        assert eng.live_sessions() == 0
        assert eng.run([Fact(key=second)]) == {"second"}


@pytest.mark.parametrize("key", ["_eor", "sid-mipat"])
def test_keys_equal_to_the_engines_own_fact_ids_are_rejected(key: str) -> None:
    with pytest.raises(EngineLimitError, match="reserved for the engine"):
        RuleEngine("own-ids", [rule("r", [p(key)])], [])


# --- 2.8 structural limits --------------------------------------------------------------------------------


def test_four_hundred_or_more_distinct_first_level_tests_are_sharded_and_results_stay_correct() -> None:
    # 600 keys -> 600 distinct first-level tests: one ruleset would hang at 512 (the subprocess timeout
    # turns that into a failure). Separately, 300 negation rules on 30 keys exceed what the shared _eor
    # node can carry (error 108 at 256 rules), so they are sharded as well.
    proc = run_python(
        sub("""
        rng = random.Random(7)
        keys = [f"K{i}" for i in range(600)]
        wide = [EngineRule(name=f"yes-{k}", match=[p(k, t("v", "eq", "yes"))]) for k in keys]
        few = keys[:30]
        gated = [EngineRule(name=f"g{i}", match=[p(few[i % 30], t("e", "gte", i % 3))],
                            absent=[p(few[(i * 7) % 30], t("v", "eq", "yes"))]) for i in range(300)]
        out = {}
        for label, rules in (("wide", wide), ("gated", gated)):
            eng = RuleEngine(label, rules, keys)
            mismatches = 0
            for _ in range(30):
                facts = [Fact(key=k, v=rng.choice(["yes", "no"]), e=rng.randint(0, 2))
                         for k in rng.sample(keys, 300)]
                mismatches += eng.run(facts) != evaluate(rules, facts)
            out[label] = [eng.shard_count, mismatches, eng.live_sessions()]
        print(json.dumps(out))
        """),
        timeout=60,
    )
    result = last_json_line(proc)
    assert isinstance(result, dict)
    for label in ("wide", "gated"):
        shards, mismatches, live = result[label]
        assert shards >= 2 and mismatches == 0 and live == 0, label


def test_a_limit_that_cannot_be_sharded_raises_engine_limit_error_instead_of_hanging() -> None:
    # Too many distinct tests under ONE key node cannot be split over rulesets: durable would hang in
    # create_ruleset (>= 513) or in assert (512), or overflow its alpha stack (error 303, >= 65 matches).
    # Three shapes: 600 rules on one key; one `in` with 600 values; 40 `in`s of 15 values on one key.
    proc = run_python(
        sub("""
        shapes = {
            "rules": [EngineRule(name=f"n>={i}", match=[p("A", t("n", "gte", i))]) for i in range(600)],
            "values": [EngineRule(name="in600", match=[p("A", t("v", "in", tuple(map(str, range(600)))))])],
            "spread": [EngineRule(name=f"in{i}", match=[p("A", t("v", "in", tuple(f"{i}-{j}" for j in range(15))))])
                       for i in range(40)],
        }
        out = {}
        for label, rules in shapes.items():
            try:
                RuleEngine(label, rules, ["A"])
            except EngineLimitError as exc:
                out[label] = str(exc)
        print(json.dumps(out))
        """),
        timeout=30,
    )
    messages = last_json_line(proc)
    assert isinstance(messages, dict)
    assert "rule 'n>=59'" in messages["rules"] and "limit is 59" in messages["rules"]
    assert "rule 'in600'" in messages["values"] and "600 distinct tests below one node" in messages["values"]
    assert "rule 'in26'" in messages["spread"] and "405 distinct tests below one node" in messages["spread"]


@pytest.mark.parametrize("shape", ["rules", "values"])
def test_control_without_the_limit_checks_those_rules_really_hang_durable(shape: str) -> None:
    # Shows that the checks above are load-bearing: with the limits lifted, the engine never returns.
    with pytest.raises(subprocess.TimeoutExpired):
        run_python(
            sub(f"""
            lift_alpha_limits()
            if "{shape}" == "rules":
                rules = [EngineRule(name=f"n>={{i}}", match=[p("A", t("n", "gte", i))]) for i in range(600)]
            else:
                rules = [EngineRule(name="in600", match=[p("A", t("v", "in", tuple(map(str, range(600)))))])]
            RuleEngine("one-key", rules, ["A"])
            print("returned")
            """),
            timeout=3,
        )


def test_seventeen_patterns_in_one_rule_are_rejected() -> None:
    keys = [f"K{i}" for i in range(17)]
    with pytest.raises(EngineLimitError, match=r"rule 'wide'.*17 positive patterns.*limit is 16"):
        RuleEngine("wide", [rule("wide", [p(k) for k in keys])], keys)
    # Negation needs the end-of-response gate in the same frame: 16 match + 1 absent is 17 slots too.
    with pytest.raises(EngineLimitError, match="end-of-response gate"):
        RuleEngine("wide", [rule("wide", [p(k) for k in keys[:16]], [p(keys[16])])], keys)
    with pytest.raises(EngineLimitError, match="absent patterns"):
        RuleEngine("wide", [rule("wide", [p("A")], [p(k) for k in keys])], [*keys, "A"])
    # At the limit, it works.
    rules = [rule("16", [p(k) for k in keys[:16]]), rule("15+16", [p(k) for k in keys[:15]], [p("Z")] * 16)]
    with RuleEngine("wide", rules, [*keys, "Z"]) as eng:
        assert eng.run([Fact(key=k) for k in keys]) == {"16", "15+16"}
        assert eng.run([Fact(key=k) for k in keys[:15]] + [Fact(key="Z")]) == set()


def test_the_alpha_stack_bound_rejects_at_compile_time_what_would_overflow_at_run_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With the per-key count lifted, 70 rules whose tests all match one fact would fail with error 303 in
    # a run. The modelled alpha network catches it when the rules are compiled.
    monkeypatch.setattr(engine_module, "MAX_PATTERNS_PER_KEY", 1000)
    rules = [rule(f"n>={i}", [p("A", t("n", "gte", i))]) for i in range(70)]
    with pytest.raises(EngineLimitError, match=r"rule 'n>=59'.*61 alpha nodes pending.*limit 60"):
        RuleEngine("stack", rules, ["A"])
    # Mutually exclusive tests (v == one code each) can never be pending together, so 70 of them are fine.
    exclusive = [rule(f"v={i}", [p("A", t("v", "eq", str(i)))]) for i in range(70)]
    with RuleEngine("stack", exclusive, ["A"]) as eng:
        assert eng.run([Fact(key="A", v="7")]) == {"v=7"}


def test_sixty_patterns_on_one_key_are_rejected_and_fifty_nine_that_all_match_one_fact_work() -> None:
    rules = [rule(f"n>={i}", [p("A", t("n", "gte", i))]) for i in range(60)]
    with pytest.raises(EngineLimitError, match=r"rule 'n>=59'.*key 'A'.*60 patterns.*limit is 59"):
        RuleEngine("per-key", rules, ["A"])
    with RuleEngine("per-key", rules[:59], ["A"]) as eng:  # all 59 alpha nodes match: the stack's worst case
        assert eng.run([Fact(key="A", n=1000.0)]) == {r.name for r in rules[:59]}
        assert eng.run([Fact(key="A", n=3.0)]) == {"n>=0", "n>=1", "n>=2", "n>=3"}


def test_in_matches_any_listed_value_in_match_and_absent_patterns_and_its_limits_are_checked() -> None:
    rules = [
        rule("in", [p("A", t("v", "in", ("a", "b")))]),
        rule("in+e", [p("A", t("v", "in", ("b", "a", "a")), t("e", "gte", 1))]),
        rule("B-unless-A-in", [p("B")], [p("A", t("v", "in", ("a", "c")))]),
        rule("two-ins", [p("A", t("v", "in", ("a", "b")), t("v", "in", ("b", "c")))]),
        rule("in-join", [p("A", t("v", "in", ("a", "b"))), p("B", t("v", "in", ("x",)))]),
    ]
    with RuleEngine("in", rules, ["A", "B"]) as eng:
        for va, vb, e in itertools.product([None, "a", "b", "c", "d"], [None, "x", "z"], [0, 1]):
            for facts in ([Fact(key="A", v=va, e=e), Fact(key="B", v=vb)], [Fact(key="A", v=va, e=e)]):
                assert eng.run(facts) == evaluate(rules, facts), facts
    # 59 patterns whose `in` tests share the value "z" link 59 forward nodes to one alpha node: still safe.
    shared = [rule(f"r{i}", [p("A", t("v", "in", (f"a{i}", "z")))]) for i in range(59)]
    with RuleEngine("in", shared, ["A"]) as eng:
        assert len(eng.run([Fact(key="A", v="z")])) == 59
    # Each multi-value `in` takes two of the 31 expression slots of a pattern (error 113 at 32).
    ins = [t("v", "in", (f"a{i}", "z")) for i in range(15)]
    with pytest.raises(EngineLimitError, match=r"rule 'ins'.*32 expression slots"):
        RuleEngine("in", [rule("ins", [p("A", *ins)])], ["A"])
    with RuleEngine("in", [rule("ins", [p("A", *ins[:14])])], ["A"]) as eng:
        assert eng.run([Fact(key="A", v="z")]) == {"ins"}


# --- 2.6 one live session: more runs than the 1,024-sid cap ----------------------------------------------


def test_more_than_1024_consecutive_runs_work_because_every_session_is_deleted(scoring: RuleEngine) -> None:
    hit = [Fact(key="A", v="yes"), Fact(key="B", n=2.0, e=2), Fact(key="F")]
    miss = [Fact(key="A", v="no")]
    for i in range(1100):
        if i % 2:
            assert scoring.run(hit) == {"A-yes", "B-ev2", "A+B"}
        else:
            assert scoring.run(miss) == {"no-F"}
    assert scoring.live_sessions() == 0


# --- 2.3 / 2.15 no threads --------------------------------------------------------------------------------


def os_thread_count() -> int | None:
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    line = next(line for line in status.read_text().splitlines() if line.startswith("Threads:"))
    return int(line.split()[1])


def test_constructing_and_running_the_engine_starts_no_threads() -> None:
    before = (threading.active_count(), {th.ident for th in threading.enumerate()}, os_thread_count())
    engines = [RuleEngine(f"threads{i}", SCORING_RULES, keys_of(SCORING_RULES)) for i in range(3)]
    for eng in engines:
        for _ in range(50):
            eng.run([Fact(key="A", v="yes"), Fact(key="D", v="yes")])
    during = (threading.active_count(), {th.ident for th in threading.enumerate()}, os_thread_count())
    for eng in engines:
        eng.close()
    assert during == before  # Python threads and, on Linux, OS threads of the whole process


# --- 2.4 / 2.12 errors are raised to the caller --------------------------------------------------------


def test_an_engine_error_inside_a_run_is_raised_to_the_caller_and_the_session_is_still_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Lift the per-key limit so that a run makes durable fail from inside: 70 alpha nodes match one fact,
    # and its alpha stack holds 64 (error 303). Nothing is swallowed, and the engine stays usable.
    monkeypatch.setattr(engine_module, "MAX_PATTERNS_PER_KEY", 1000)
    monkeypatch.setattr(engine_module, "MAX_ALPHA_STACK", 1000)
    rules = [rule(f"n>={i}", [p("A", t("n", "gte", i))]) for i in range(70)] + [rule("B", [p("B")])]
    with RuleEngine("errors", rules, ["A", "B"]) as eng:
        with pytest.raises(EngineRunError, match="error code: 303"):
            eng.run([Fact(key="B"), Fact(key="A", n=1000.0)])
        assert eng.live_sessions() == 0
        assert eng.run([Fact(key="B"), Fact(key="A", n=1.0)]) == {"B", "n>=0", "n>=1"}
        assert eng.live_sessions() == 0


def test_duplicate_fact_keys_raise_value_error_naming_the_key_and_touch_no_session(scoring: RuleEngine) -> None:
    with pytest.raises(ValueError, match="duplicate fact key 'A'"):
        scoring.run([Fact(key="A", v="yes"), Fact(key="B"), Fact(key="A", v="no")])
    assert scoring.live_sessions() == 0
    assert scoring.run([Fact(key="A", v="yes")]) == {"A-yes", "no-F"}


def test_a_closed_engine_refuses_to_run_and_closing_frees_its_rulesets() -> None:
    eng = RuleEngine("closed", SCORING_RULES, [])
    eng.close()
    eng.close()  # idempotent
    with pytest.raises(EngineRunError, match="closed"):
        eng.run([])
    for i in range(300):  # rulesets are freed, not leaked towards the 131,071-handle cap
        with RuleEngine(f"churn{i}", SCORING_RULES, []) as other:
            assert other.run([Fact(key="A", v="yes")]) == {"A-yes", "no-F"}


# --- determinism, values, validation --------------------------------------------------------------------


def test_running_is_deterministic_across_repeats_fact_order_and_rule_order() -> None:
    rng = random.Random(1)
    keys = [f"K{i}" for i in range(40)]
    rules = [
        rule(
            f"r{i}",
            [p(k, t("v", "eq", rng.choice("ab"))) for k in rng.sample(keys, rng.randint(1, 3))],
            [p(k, t("e", "gte", rng.randint(0, 3))) for k in rng.sample(keys, rng.randint(0, 2))],
        )
        for i in range(100)
    ]
    shuffled = rng.sample(rules, len(rules))
    with RuleEngine("det", rules, keys) as first, RuleEngine("det2", shuffled, keys) as second:
        for _ in range(40):
            facts = [Fact(key=k, v=rng.choice("ab"), e=rng.randint(0, 3)) for k in rng.sample(keys, 30)]
            results = {first.run(facts) for _ in range(3)}
            results |= {first.run(rng.sample(facts, len(facts))), second.run(facts)}
            assert results == {evaluate(rules, facts)}


def test_numbers_python_prints_in_exponent_form_compare_correctly_and_cannot_crash() -> None:
    # json.dumps(1e-05) == "1e-05": durable's parser stops there, drops the rest of the batch and returns a
    # garbage state offset, and using that offset segfaults. Run in a subprocess in case of a regression.
    proc = run_python(
        sub("""
        values = [1e-05, 1e16, 1e+20, 5e-324, -0.0, 0.0, -1e-05, 2.5, 1.7976931348623157e308]
        rules = [EngineRule(name=f"{op} {v!r}", match=[p("A", t("n", op, v))])
                 for v in values for op in ("eq", "gt", "lt")]
        rules += [EngineRule(name="B", match=[p("B")])]
        eng = RuleEngine("exp", rules, ["A", "B"])
        bad = 0
        for v in values:
            facts = [Fact(key="A", n=v), Fact(key="B")]  # the exponent fact first: the crash path
            bad += eng.run(facts) != evaluate(rules, facts)
        print(json.dumps({"mismatches": bad, "live": eng.live_sessions()}))
        """),
        timeout=60,
    )
    assert last_json_line(proc) == {"mismatches": 0, "live": 0}


def test_strings_with_quotes_backslashes_braces_and_non_ascii_match_exactly() -> None:
    odd = ['q"1', "a\\b", "ключ", "😀", "it's", "{,}[]", "", " ", "\x00", "a\\", 'x"}']
    rules = [rule(f"eq {s!r}", [p(f"K{s}", t("v", "eq", s))]) for s in odd]
    rules += [rule(f"ne {s!r}", [p("V", t("v", "ne", s))]) for s in odd]
    with RuleEngine("strings", rules, keys_of(rules)) as eng:
        for s in odd:
            for facts in ([Fact(key=f"K{s}", v=s), Fact(key="V", v=s)], [Fact(key=f"K{s}", v=s + "x")]):
                assert eng.run(facts) == evaluate(rules, facts), (s, facts)


def test_a_response_with_thousands_of_facts_over_many_shards_matches_the_reference() -> None:
    proc = run_python(
        sub("""
        rng = random.Random(3)
        keys = [f"K{i}" for i in range(2000)]
        rules = [EngineRule(name=f"r{i}", match=[p(k, t("n", "gte", 1)) for k in rng.sample(keys, 2)])
                 for i in range(300)]
        eng = RuleEngine("many", rules, keys)
        facts = [Fact(key=k, n=float(rng.randint(0, 2))) for k in keys]
        fired = eng.run(facts)
        print(json.dumps({"same": fired == evaluate(rules, facts), "fired": len(fired), "shards": eng.shard_count}))
        """),
        timeout=60,
    )
    result = last_json_line(proc)
    assert isinstance(result, dict) and result["same"] and result["fired"] > 0 and result["shards"] >= 2


def test_a_batch_the_engine_silently_stops_parsing_raises_instead_of_crashing() -> None:
    # Simulate a serialisation regression (bare-exponent floats, as json.dumps writes them). durable then
    # returns code 0 with a garbage state offset (first fact bad) or drops the rest of the batch (later
    # fact bad). The adapter must raise, not segfault or return a partial result.
    proc = run_python(
        sub("""
        engine_module._json_number = lambda v: str(v) if isinstance(v, int) else repr(float(v))
        rules = [EngineRule(name=k, match=[p(k, t("n", "lt", 1))] if k == "B" else [p(k)]) for k in "ABC"]
        eng = RuleEngine("regress", rules, ["A", "B", "C"])
        out = []
        for facts in ([Fact(key="B", n=1e-05), Fact(key="C")], [Fact(key="A"), Fact(key="B", n=1e-05), Fact(key="C")]):
            try:
                out.append(sorted(eng.run(facts)))
            except EngineRunError as exc:
                out.append(str(exc).split(": ", 2)[-1])
            out.append(eng.live_sessions())
        out.append(sorted(eng.run([Fact(key="A"), Fact(key="C")])))
        print(json.dumps(out))
        """),
        timeout=60,
    )
    assert last_json_line(proc) == [
        "the engine processed no fact",
        0,
        "end-of-response marker not reached",
        0,
        ["A", "C"],
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda: FieldTest(field="v", op="gt", value="a"),
        lambda: FieldTest(field="v", op="eq", value=1),
        lambda: FieldTest(field="n", op="eq", value="1"),
        lambda: FieldTest(field="e", op="gte", value=True),
        lambda: FieldTest(field="n", op="lt", value=math.nan),
        lambda: FieldTest(field="n", op="lt", value=2**60),
        lambda: FieldTest(field="x", op="eq", value=1),
        lambda: FieldTest(field="n", op="eq", value=("a",)),
        lambda: FieldTest(field="n", op="in", value=("a",)),
        lambda: FieldTest(field="v", op="in", value=()),
        lambda: FieldTest(field="v", op="eq", value=("a", "b")),
        lambda: Fact(key="A", n=math.inf),
        lambda: Fact(key="A", e=True),
        lambda: Fact(key=""),
        lambda: FactPattern(key="A", tests=[], extra=1),
        lambda: EngineRule(name="dup", match=[p("A"), p("A", t("v", "eq", "x"))]),
    ],
)
def test_malformed_models_are_rejected_when_built(make: Callable[[], object]) -> None:
    with pytest.raises(ValidationError):
        make()


def test_duplicate_rule_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate rule names"):
        RuleEngine("dup", [rule("x", [p("A")]), rule("x", [p("B")])], [])


# --- differential test against the plain-Python oracle ----------------------------------------------------

KEYS = st.sampled_from(["A", "B", "C", "D", "E", 'q"1', "ключ"])
CODES = st.sampled_from(["yes", "no", "partial", "", 'x"y', "ключ"])
NUMBERS = st.one_of(
    st.integers(-3, 6),
    st.sampled_from([2.5, -0.0, 1e-05, 1e16, 2**53]),
    st.floats(-10, 10, allow_nan=False),
)
FIELD_TESTS = st.one_of(
    st.builds(FieldTest, field=st.just("v"), op=st.sampled_from(["eq", "ne"]), value=CODES),
    st.builds(FieldTest, field=st.just("v"), op=st.just("in"), value=st.lists(CODES, min_size=1).map(tuple)),
    st.builds(
        FieldTest,
        field=st.sampled_from(["n", "e"]),
        op=st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]),
        value=NUMBERS,
    ),
)
PATTERNS = st.builds(FactPattern, key=KEYS, tests=st.lists(FIELD_TESTS, max_size=3))
FACTS = st.builds(
    Fact,
    key=KEYS,
    v=st.none() | CODES,
    n=st.none() | NUMBERS.map(float),
    e=st.integers(-1, 6) | st.just(2**53),
)
RESPONSES = st.lists(st.lists(FACTS, max_size=7, unique_by=lambda f: f.key), min_size=1, max_size=4)


@st.composite
def rule_sets(draw: st.DrawFn) -> list[EngineRule]:
    count = draw(st.integers(1, 8))
    return [
        EngineRule(
            name=f"rule{i}",
            match=draw(st.lists(PATTERNS, max_size=3, unique_by=lambda pat: pat.key)),
            absent=draw(st.lists(PATTERNS, max_size=2)),
        )
        for i in range(count)
    ]


@settings(max_examples=300, deadline=None)
@given(rules=rule_sets(), responses=RESPONSES)
def test_run_equals_the_plain_python_reference_on_random_rules_and_facts(
    rules: list[EngineRule], responses: list[list[Fact]]
) -> None:
    with RuleEngine("diff", rules, keys_of(rules)) as eng:
        for facts in responses:
            assert eng.run(facts) == evaluate(rules, facts)
        assert eng.live_sessions() == 0


def test_an_engine_from_a_cached_plan_fires_exactly_like_one_compiled_in_process() -> None:
    # Scoring caches the checked plan between processes (pickled); the limits stay checked because
    # only `engine_plan`, which checks them, makes a plan.
    import pickle

    rules = [
        rule("yes", [p("A", FieldTest(field="v", op="eq", value="yes"))]),
        rule("no-b", [p("A")], absent=[p("B")]),
        rule("both", [p("A"), p("B", FieldTest(field="n", op="gte", value=3))]),
    ]
    plan = pickle.loads(pickle.dumps(engine_module.engine_plan("cached", rules, ["A", "B"])))
    batches = [[Fact(key="A", v="yes")], [Fact(key="A", v="no"), Fact(key="B", n=4)], [Fact(key="B", n=1)]]
    with RuleEngine("cached", rules, ["A", "B"]) as direct, RuleEngine.from_plan(plan) as restored:
        for facts in batches:
            assert restored.run(facts) == direct.run(facts)
        assert restored.live_sessions() == 0
    with pytest.raises(EngineLimitError, match="reserved"):
        engine_module.engine_plan("own-ids", [rule("r", [p("_eor")])], [])
