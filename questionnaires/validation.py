"""Validating a response file against its questionnaire, collecting every problem at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from mipat.questionnaires.conditions import answer_tests
from mipat.questionnaires.definition import Question, Questionnaire, bundled_questionnaires
from mipat.questionnaires.i18n import Text
from mipat.questionnaires.languages import LANGUAGES, Language
from mipat.questionnaires.messages import either
from mipat.questionnaires.model_loading import error_location, schema_problem, schema_problems
from mipat.questionnaires.problems import InputError, Problem, Wording, worded
from mipat.questionnaires.responses import (
    EVIDENCE_KINDS,
    ITEM_ID,
    Answer,
    AnswerEntry,
    AnswerValue,
    Evidence,
    Partner,
    Partnership,
    QuestionnaireRef,
    Response,
    ResponseFile,
)
from mipat.questionnaires.safe_text import display_name
from mipat.questionnaires.source_files import Document, Location, SourceFloat, pointer, read_document, read_text
from mipat.questionnaires.suggestions import choice_hint, closest
from mipat.questionnaires.ui_strings import ui_strings

YEAR_BOUNDS = (1900, 2100)
MAX_PROBLEMS = 200  # listed per file; the rest are counted
ENTRY_KEYS = frozenset(AnswerEntry.model_fields)
_TAILORING_KEYS = frozenset({"packs", "disable", "weights", "exceptions"})
ITEM_RESERVED = ("id", "comment", "evidence")


class ValidationReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    file: str
    questionnaire: QuestionnaireRef | None = None
    status: str | None = None
    problems: list[Problem]
    response: Response | None = None
    # The response's own `language` when the file says one: the language its problems are told in.
    language: Language | None = None
    # Problems beyond MAX_PROBLEMS are counted, not listed: a hostile file cannot flood memory or output.
    unlisted_errors: int = 0
    unlisted_warnings: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unlisted_errors

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.unlisted_warnings

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unlisted_errors

    def raise_for_errors(self) -> Response:
        if self.response is None or not self.ok:
            errors = Wording(key="n_errors", count=self.error_count)
            raise InputError(
                worded("cli_file_errors", file=self.file, errors=errors), self.errors, language=self.language
            )
        return self.response


def validate_file(
    path: Path, *, display: str | None = None, questionnaires: Sequence[Questionnaire] | None = None
) -> ValidationReport:
    """Read and validate one response file; unreadable files give a report with one error."""
    name = display or display_name(path)
    try:
        document = read_document(path, display=name)
    except InputError as exc:
        return ValidationReport(file=name, problems=exc.problems, language=_declared_language(path))
    return validate_document(document, questionnaires)


_LANGUAGE_LINE = re.compile(r'^language:\s*["\']?(en|fr|es)["\']?\s*(?:#.*)?$', re.MULTILINE)


def _declared_language(path: Path) -> Language | None:
    """The `language:` line of a file that could not be parsed, so its syntax error is told in that language."""
    try:
        found = _LANGUAGE_LINE.search(read_text(path))
    except InputError:
        return None
    return found.group(1) if found else None  # type: ignore[return-value]


def load_response(path: Path, *, display: str | None = None) -> Response:
    """A validated response, or InputError listing every error."""
    return validate_file(path, display=display).raise_for_errors()


def validate_document(document: Document, questionnaires: Sequence[Questionnaire] | None = None) -> ValidationReport:
    checker = _Checker(document)
    questionnaire = checker.find_questionnaire(
        questionnaires if questionnaires is not None else bundled_questionnaires()
    )
    if questionnaire is None:
        return checker.report(None)
    return checker.report(checker.check(questionnaire), questionnaire)


class _Checker:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.problems: list[Problem] = []
        self.unlisted_errors = 0
        self.unlisted_warnings = 0
        self.ref: QuestionnaireRef | None = None
        self.placeholders: set[Location] = set()
        self.status: str | None = None
        data = document.data
        language = data.get("language") if isinstance(data, dict) else None
        self.language: Language | None = language if language in LANGUAGES else None

    # --- reporting ---------------------------------------------------------------------------

    def error(
        self,
        code: str,
        message: str | Wording,
        loc: Location,
        *,
        question: str | None = None,
        expected: str | Wording | None = None,
    ) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.unlisted_errors += 1
            return
        self.problems.append(self.doc.problem(code, message, loc, question=question, expected=expected))

    def warn(self, code: str, message: str | Wording, loc: Location, *, question: str | None = None) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.unlisted_warnings += 1
            return
        problem = self.doc.problem(code, message, loc, question=question)
        self.problems.append(problem.model_copy(update={"severity": "warning"}))

    def report(self, response: Response | None, questionnaire: Questionnaire | None = None) -> ValidationReport:
        listed = self.problems[:MAX_PROBLEMS]  # schema problems arrive as a list: capped here
        for dropped in self.problems[MAX_PROBLEMS:]:
            if dropped.severity == "error":
                self.unlisted_errors += 1
            else:
                self.unlisted_warnings += 1
        has_errors = self.unlisted_errors > 0 or any(p.severity == "error" for p in listed)
        ordered = sorted(listed, key=self.reading_order(questionnaire))
        return ValidationReport(
            file=self.doc.file,
            questionnaire=self.ref,
            status=self.status,
            problems=ordered,
            response=None if has_errors else response,
            language=self.language,
            unlisted_errors=self.unlisted_errors,
            unlisted_warnings=self.unlisted_warnings,
        )

    def reading_order(self, questionnaire: Questionnaire | None) -> Callable[[Problem], tuple[Any, ...]]:
        """The order a respondent fixes a file in: the envelope first, then the answers in questionnaire
        order (a question unknown to it right after the answer written before it), then the inventory
        entry by entry, field by field; within one place, by line."""
        rank: dict[str, float] = {}
        if questionnaire is not None:
            rank = {q.id: float(i) for i, q in enumerate(questionnaire.questions())}
            answers = self.doc.data.get("answers") if isinstance(self.doc.data, dict) else None
            before = -0.5
            for qid in answers if isinstance(answers, dict) else ():
                if qid in rank:
                    before = rank[qid]
                else:
                    rank[qid] = before + 0.5
        fields = {f.id: i for i, f in enumerate(questionnaire.inventory.fields)} if questionnaire else {}

        def key(problem: Problem) -> tuple[Any, ...]:
            path, line = problem.path or "", problem.line or 0
            entry = re.match(r"inventory\[(\d+)\]\.?([a-z_]*)", path)
            if entry is not None:
                place: tuple[Any, ...] = (2, int(entry.group(1)), fields.get(entry.group(2), -1))
            elif path.startswith("inventory"):
                place = (2, -1, -1)
            elif path.startswith("answers") or problem.question in rank:
                place = (1, rank.get(problem.question or "", -1.0), 0)
            else:
                place = (0, 0, 0)
            return (*place, line, problem.message)

        return key

    # --- envelope ----------------------------------------------------------------------------

    def find_questionnaire(self, known: Sequence[Questionnaire]) -> Questionnaire | None:
        data = self.doc.data
        if not isinstance(data, dict):
            self.error(
                "not-a-response",
                worded("v_not_mapping"),
                (),
            )
            return None
        if "schema_version" in data and "rules" in data:
            self.error(
                "not-a-response",
                worded("v_saved_result", schema=data["schema_version"]),
                (),
                expected=worded("v_saved_result_expected"),
            )
            return None
        other = _other_mipat_file(data)
        if other is not None:
            self.error("not-a-response", worded(f"v_{other}_file"), (), expected=worded(f"v_{other}_file_expected"))
            return None
        try:
            self.ref = QuestionnaireRef.model_validate(data.get("questionnaire"))
        except ValidationError as exc:
            if "questionnaire" not in data:
                self.error(
                    "schema",
                    worded("schema_missing_key", key="'questionnaire'"),
                    (),
                    expected=worded("literal", text="questionnaire: {id: ..., version: ...}"),
                )
            else:
                self.problems += schema_problems(self.doc, exc, prefix=("questionnaire",))
            return None
        versions = [q.version for q in known if q.id == self.ref.id]
        if not versions:
            ids = sorted({q.id for q in known})
            self.error(
                "unknown-questionnaire",
                worded("v_unknown_questionnaire", id=repr(self.ref.id)),
                ("questionnaire", "id"),
                expected=", ".join(ids),
            )
            return None
        match = next((q for q in known if q.id == self.ref.id and q.version == self.ref.version), None)
        upgraded = next((q for q in known if q.id == self.ref.id and q.reads(self.ref.version)), None)
        if match is None and upgraded is not None:
            earlier = upgraded.reads(self.ref.version)
            assert earlier is not None
            self.warn(
                "response-upgraded",
                worded(
                    "v_upgraded", old=self.ref.version, id=self.ref.id, new=upgraded.version, changes=earlier.changes
                ),
                ("questionnaire", "version"),
            )
            self.ref = QuestionnaireRef(id=upgraded.id, version=upgraded.version)
            return upgraded
        if match is None:
            self.error(
                "version-mismatch",
                worded("v_version_mismatch", old=self.ref.version, id=self.ref.id, versions=", ".join(versions)),
                ("questionnaire", "version"),
                expected=either(versions),
            )
        return match

    def check(self, questionnaire: Questionnaire) -> Response | None:
        data: dict[str, Any] = self.doc.data
        envelope: ResponseFile | None = None
        try:
            envelope = ResponseFile.model_validate(data)
        except ValidationError as exc:
            self.problems += schema_problems(self.doc, exc)
        if isinstance(data.get("status"), str):
            self.status = data["status"]
        final = self.status == "final"
        answers = data.get("answers") or {}
        inventory = data.get("inventory") or []
        self.check_placeholders(questionnaire, data)
        checked_answers = self.check_answers(questionnaire, answers, final=final) if isinstance(answers, dict) else {}
        self.check_period(questionnaire, checked_answers)
        items = self.check_inventory(questionnaire, inventory, final=final) if isinstance(inventory, list) else []
        if final and envelope is not None and not envelope.respondent.organisation:
            self.error(
                "required-missing",
                worded("v_needs_organisation"),
                ("respondent",),
                expected=worded("literal", text="respondent: {organisation: ...}"),
            )
        if envelope is None:
            return None
        return Response(
            questionnaire=self.ref or envelope.questionnaire,
            status=envelope.status,
            language=envelope.language,
            respondent=envelope.respondent,
            answers=checked_answers,
            inventory=items,
        )

    def check_period(self, questionnaire: Questionnaire, answers: dict[str, Answer]) -> None:
        """The period assessed cannot end before it starts: reports print it as `start–end`."""
        start_id, end_id = questionnaire.scope.get("period_start"), questionnaire.scope.get("period_end")
        start = answers[start_id].value if start_id in answers else None
        end = answers[end_id].value if end_id in answers else None
        if not isinstance(start, int) or not isinstance(end, int) or end >= start:
            return
        self.error(
            "wrong-value",
            worded("v_period_reversed", end=str(end), start=str(start), first=start_id),
            _value_location(end_id, self.doc.data["answers"][end_id]),
            question=end_id,
            expected=worded("v_period_expected", start=str(start), first=start_id),
        )

    def check_placeholders(self, questionnaire: Questionnaire, data: dict[str, Any]) -> None:
        """A `...` left from the template is an error where it stands; that value is not checked again."""
        for loc in _placeholders(data):
            if loc[:1] == ("questionnaire",):
                continue
            question = questionnaire.question(str(loc[1])) if loc[:1] == ("answers",) and len(loc) > 1 else None
            field = questionnaire.field(str(loc[2])) if loc[:1] == ("inventory",) and len(loc) == 3 else None
            asked = question or field
            bare = question is not None and (len(loc) == 2 or loc[2:] == ("value",))
            message = (
                worded("v_placeholder", value=repr(_value_at(data, loc)))
                if question is None or bare  # the line's subject is then the path, or the question itself
                else worded("v_placeholder_at", key=_answer_field(loc), value=repr(_value_at(data, loc)))
            )
            self.error(
                "placeholder",
                message,
                loc,
                question=question.id if question else None,
                expected=_expected(questionnaire, asked) if asked and (bare or field) else None,
            )
            self.placeholders.add(loc)

    # --- answers -----------------------------------------------------------------------------

    def check_answers(self, questionnaire: Questionnaire, raw: dict[str, Any], *, final: bool) -> dict[str, Answer]:
        parsed: dict[str, Answer] = {}
        for qid, entry in raw.items():
            loc: Location = ("answers", qid)
            question = questionnaire.question(qid)
            if question is None:
                close = questionnaire.closest_ids(qid)
                meant = closest(qid, [q.id for q in questionnaire.questions()], n=1)
                message = worded(
                    "v_unknown_question", qid=repr(qid), id=questionnaire.id, version=questionnaire.version
                )
                self.error(
                    "unknown-question",
                    _with_hint(message, worded("v_hint_code", code=f"`{meant[0]}`") if meant else None),
                    loc,
                    question=qid,
                    expected=worded("v_known_question", ids=either(close)) if close else worded("v_listed_question"),
                )
                continue
            answer = self.parse_entry(question, entry, loc, self.value_checker(questionnaire))
            if answer is not None and answer.answered:
                parsed[qid] = answer
            elif answer is not None and (answer.comment or answer.evidence):
                parsed[qid] = answer  # comments and evidence on an unanswered question are kept

        shown = questionnaire.visible({qid: a.value for qid, a in parsed.items() if a.answered})
        # A question whose written answer is wrong (already reported) decides nothing: the questions its
        # answer would show or hide are not said to be hidden, nor those that hang on them in turn.
        undecided = {qid for qid in raw if _given(raw, qid) and not (qid in parsed and parsed[qid].answered)}
        result: dict[str, Answer] = {}
        for question in questionnaire.questions():
            answer = parsed.get(question.id)
            if question.id not in shown:
                gates = {t.question for t in answer_tests(question.show_if)} if question.show_if else set()
                if gates & undecided:
                    undecided.add(question.id)
                elif answer is not None and answer.answered:
                    self.warn(
                        "hidden-answered",
                        worded("v_hidden_answered"),
                        ("answers", question.id),
                        question=question.id,
                    )
                continue
            if answer is not None:
                result[question.id] = answer
                self.warn_uncheckable(question.id, answer, raw.get(question.id))
            if final and question.required and (answer is None or not answer.answered) and not _given(raw, question.id):
                self.error(
                    "required-missing",
                    worded("v_required_missing"),
                    ("answers", question.id) if "answers" in self.doc.data else (),
                    question=question.id,
                    expected=_expected(questionnaire, question),
                )
        return result

    def warn_uncheckable(self, qid: str, answer: Answer, entry: Any) -> None:
        """Evidence that cannot be checked does not count for scoring; say so where it was written."""
        value_loc = _value_location(qid, entry)
        listed = answer.value if isinstance(answer.value, list) else []
        items = [((*value_loc, i), e) for i, e in enumerate(listed) if isinstance(e, Evidence)]
        items += [(("answers", qid, "evidence", i), e) for i, e in enumerate(answer.evidence)]
        for loc, item in items:
            if not item.checkable:
                self.warn(
                    "evidence-uncheckable",
                    worded("v_evidence_uncheckable", title=repr(item.title[:60])),
                    loc,
                    question=qid,
                )

    def parse_entry(
        self, question: Question, entry: Any, loc: Location, check_value: Callable[..., Any]
    ) -> Answer | None:
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - ENTRY_KEYS)
            for key in unknown:
                self.error(
                    "schema",
                    worded("v_unknown_answer_key", key=repr(key)),
                    (*loc, key),
                    question=question.id,
                    expected=worded("literal", text="value, comment, evidence"),
                )
            try:
                parsed = AnswerEntry.model_validate({k: v for k, v in entry.items() if k in ENTRY_KEYS})
            except ValidationError as exc:
                self.model_problems(exc, loc, question.id)
                return None
            value = check_value(question, parsed.value, (*loc, "value"))
            return Answer(value=value, comment=parsed.comment, evidence=parsed.evidence)
        value = check_value(question, entry, loc)
        return Answer(value=value)

    def value_checker(self, questionnaire: Questionnaire) -> Callable[[Question, Any, Location], AnswerValue]:
        def check(question: Question, value: Any, loc: Location) -> AnswerValue:
            return self.check_value(questionnaire, question, value, loc)

        return check

    def check_value(self, questionnaire: Questionnaire, question: Question, value: Any, loc: Location) -> AnswerValue:
        if value is None or value == "" or value == [] or loc in self.placeholders:
            return None
        qtype, qid = question.type, question.id

        def wrong(message: Wording, expected: Wording | None = None) -> None:
            self.error(
                "wrong-value", message, loc, question=qid, expected=expected or _expected(questionnaire, question)
            )

        if qtype in ("yes_no", "single_choice"):
            code = _code_text(value)
            if code is None:
                wrong(worded(_NOT_A[qtype], value=_show(value)))
                return None
            codes = questionnaire.codes(question)
            if code not in codes:
                self.error(
                    "invalid-choice",
                    _not_a_choice(value, _choices(questionnaire, question), _show(value)),
                    loc,
                    question=qid,
                    expected=worded("v_codes", codes=", ".join(codes)),
                )
                return None
            return code
        if qtype == "multiple_choice":
            if not isinstance(value, list):
                wrong(
                    worded("v_not_choice_list", value=_show(value)),
                    worded("v_list_such_as", codes=", ".join(questionnaire.codes(question)[:2])),
                )
                return None
            codes = questionnaire.codes(question)
            exclusive = {o.code for o in questionnaire.options(question) if o.exclusive}
            chosen: list[str] = []
            for index, item in enumerate(value):
                code = _code_text(item)
                if (*loc, index) in self.placeholders:
                    continue
                if code is None or code not in codes:
                    self.error(
                        "invalid-choice",
                        _not_a_choice(item, _choices(questionnaire, question), _show(item)),
                        (*loc, index),
                        question=qid,
                        expected=worded("v_codes", codes=", ".join(codes)),
                    )
                elif code in chosen:
                    self.error(
                        "duplicate-choice", worded("v_chosen_twice", code=repr(code)), (*loc, index), question=qid
                    )
                else:
                    chosen.append(code)
            clash = exclusive & set(chosen)
            if clash and len(chosen) > 1:
                self.error("exclusive-choice", worded("v_exclusive", code=repr(sorted(clash)[0])), loc, question=qid)
                return None
            if len(chosen) != len(value):
                return None
            # A multiple choice is a set: held in the questionnaire's order, so a response read back
            # from a form's check boxes (which keep no order) is the same response.
            return sorted(chosen, key=codes.index)
        if qtype in ("integer", "year"):
            if isinstance(value, str) and re.fullmatch(r"[-+]?0[0-9]+", value.strip()):
                wrong(worded("v_leading_zero", value=repr(value), number=int(value)))
                return None
            if isinstance(value, bool) or not isinstance(value, int):
                wrong(worded("v_not_whole", value=_show(value)))
                return None
            low, high = question.min, question.max
            if qtype == "year":
                low = YEAR_BOUNDS[0] if low is None else low
                high = YEAR_BOUNDS[1] if high is None else high
            if (low is not None and value < low) or (high is not None and value > high):
                self.error(
                    "out-of-range", worded("v_out_of_range", value=value), loc, question=qid, expected=_range(low, high)
                )
                return None
            return value
        if qtype == "text":
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                wrong(worded("v_not_text", value=_show(value)))
                return None
            text = (value.text if isinstance(value, SourceFloat) else str(value)).strip()
            if len(text) > question.max_length:
                wrong(worded("v_text_too_long", n=len(text)), worded("v_at_most_characters", n=question.max_length))
                return None
            return text or None
        if qtype == "evidence":
            return self._model_list(value, Evidence, loc, qid, worded("v_evidence_list"))
        if qtype == "partner_list":
            partners = self._model_list(value, Partner, loc, qid, worded("v_partner_list"))
            if partners is None:
                return None
            kinds = questionnaire.codes(question)
            bad = [(i, p) for i, p in enumerate(partners) if p.kind not in kinds]
            for index, partner in bad:
                hint = choice_hint(partner.kind, _choices(questionnaire, question))
                self.error(
                    "invalid-choice",
                    _with_hint(worded("v_partner_kind", kind=repr(partner.kind)), hint),
                    (*loc, index, "kind"),
                    question=qid,
                    expected=worded("v_codes", codes=", ".join(kinds)),
                )
            return None if bad else partners
        raise AssertionError(f"unhandled question type {qtype}")

    def _model_list(self, value: Any, model: type[BaseModel], loc: Location, qid: str, expected: Wording) -> Any:
        if not isinstance(value, list):
            self.error("wrong-value", worded("v_not_list", value=_show(value)), loc, question=qid, expected=expected)
            return None
        items, ok = [], True
        for index, item in enumerate(value):
            try:
                items.append(model.model_validate(item))
            except ValidationError as exc:
                ok = False
                self.model_problems(exc, (*loc, index), qid)
        return items if ok else None

    def model_problems(self, exc: ValidationError, prefix: Location, qid: str) -> None:
        """Schema problems inside an answer (its evidence, comment) or an inventory entry, each naming the
        field it is about: `evidence[0].kind: 'decree' is not an evidence kind`."""
        for err in exc.errors(include_url=False):
            loc = error_location(err, prefix)
            if loc in self.placeholders:
                continue
            if err["type"] == "literal_error" and loc[-1] == "kind" and "evidence" in loc:
                kinds = [(kind, None) for kind in EVIDENCE_KINDS]
                typed = _code_text(err["input"])
                hint = choice_hint(typed, kinds) if typed is not None else None
                problem = self.doc.problem(
                    "schema",
                    _with_hint(worded("v_evidence_kind", value=_show(err["input"])), hint),
                    loc,
                    expected=worded("x_one_of", codes=", ".join(EVIDENCE_KINDS)),
                )
            else:
                problem = schema_problem(self.doc, err, prefix)
            if qid and loc[:1] == ("answers",) and len(loc) > 2:  # the question is named; name the field too
                message = problem.wording or worded("literal", text=problem.message)
                problem = self.doc.problem(
                    "schema",
                    worded("v_at_field", field=_answer_field(loc), message=message),
                    loc,
                    expected=problem.expected_wording or problem.expected,
                )
            self.problems.append(problem.model_copy(update={"question": qid}))

    # --- inventory ---------------------------------------------------------------------------

    def check_inventory(self, questionnaire: Questionnaire, raw: list[Any], *, final: bool) -> list[Partnership]:
        fields = {f.id: f for f in questionnaire.inventory.fields}
        seen: set[str] = set()
        items: list[Partnership] = []
        check = self.value_checker(questionnaire)
        for index, item in enumerate(raw):
            loc: Location = ("inventory", index)
            if not isinstance(item, dict):
                self.error(
                    "schema",
                    worded("v_entry_not_mapping"),
                    loc,
                    expected=worded("literal", text="id, name, instrument, level, partners, …"),
                )
                continue
            item_id = item.get("id")
            label = worded("v_entry", id=item_id) if isinstance(item_id, str) else worded("v_entry_number", n=index + 1)
            if not isinstance(item_id, str) or not re.match(ITEM_ID, item_id):
                self.error(
                    "bad-id",
                    worded("v_entry_bad_id", label=label),
                    (*loc, "id"),
                    expected=worded("for_example", example="PS-01"),
                )
                item_id = None
            elif item_id in seen:
                self.error("duplicate-id", worded("v_entry_id_twice", id=repr(item_id)), (*loc, "id"))
            else:
                seen.add(item_id)
            values: dict[str, AnswerValue] = {}
            for key, raw_value in item.items():
                if key in ITEM_RESERVED:
                    continue
                field = fields.get(key)
                if field is None:
                    close = difflib.get_close_matches(key, list(fields), n=2)
                    self.error(
                        "unknown-field",
                        worded("v_not_a_field", label=label, key=repr(key)),
                        (*loc, key),
                        expected=worded("for_example", example=either(close))
                        if close
                        else worded("literal", text=", ".join(fields)),
                    )
                    continue
                value = check(field, raw_value, (*loc, key))
                if value is not None:
                    values[key] = value
            comment, evidence = self._item_extras(item, loc)
            visible: dict[str, AnswerValue] = {}
            undecided = {key for key in fields if _given(item, key) and key not in values}
            for field in questionnaire.inventory.fields:
                shown = field.show_if is None or field.show_if.holds(visible)
                if not shown:
                    if field.show_if is not None and {t.question for t in answer_tests(field.show_if)} & undecided:
                        undecided.add(field.id)
                        values.pop(field.id, None)
                    elif field.id in values:
                        self.warn(
                            "hidden-answered",
                            worded("v_field_hidden", label=label, field=repr(field.id)),
                            (*loc, field.id),
                        )
                        values.pop(field.id)
                    continue
                if field.id in values:
                    visible[field.id] = values[field.id]
                elif final and field.required and not _given(item, field.id):  # a wrong value is told once
                    self.error(
                        "required-missing",
                        worded("v_field_required", label=label, field=repr(field.id)),
                        (*loc, field.id),  # the field's line when it is written empty, else the entry's
                        expected=_expected(questionnaire, field),
                    )
            if item_id is not None:
                items.append(Partnership(id=item_id, values=values, comment=comment, evidence=evidence))
        return items

    def _item_extras(self, item: dict[str, Any], loc: Location) -> tuple[str | None, list[Evidence]]:
        comment = item.get("comment")
        if comment is not None and not isinstance(comment, str):
            self.error("wrong-value", worded("v_comment_not_text"), (*loc, "comment"))
            comment = None
        evidence: list[Evidence] = []
        if "evidence" in item:
            parsed = self._model_list(
                item["evidence"],
                Evidence,
                (*loc, "evidence"),
                "",
                worded("v_evidence_list"),
            )
            evidence = parsed or []
        return comment, evidence


def _answer_field(loc: Location) -> str:
    """Where inside an answer `answers.<id>.…` is, as its line names it: `evidence[0].kind`, `value[1]`."""
    inside = loc[2:]
    return pointer(("value", *inside) if inside and isinstance(inside[0], int) else inside)


_PLACEHOLDER = re.compile(r"\s*(?:\.{3,}|…)\s*")


def _placeholders(value: Any, loc: Location = ()) -> list[Location]:
    """Where the file still holds a template placeholder (`...` or `…`) as a value."""
    if isinstance(value, str):
        return [loc] if _PLACEHOLDER.fullmatch(value) else []
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _placeholders(item, (*loc, key))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _placeholders(item, (*loc, index))]
    return []


def _value_at(data: Any, loc: Location) -> Any:
    for part in loc:
        data = data[part]
    return data


def _given(raw: dict[str, Any], qid: str) -> bool:
    """Whether the response wrote a value for `qid`: a wrong value is reported once, as wrong, not also
    as missing."""
    entry = raw.get(qid)
    value = entry.get("value") if isinstance(entry, dict) else entry
    return value not in (None, "", [])


def _not_a_choice(value: Any, choices: list[tuple[str, Text | None]], shown: str) -> Wording:
    """'x is not one of the choices', with the fix when one is likely: the code of a label typed in any
    language, a near miss, a leading zero too many, or quotes around a code YAML read as a number."""
    code = _code_text(value)
    codes = [c for c, _ in choices]
    if code is not None and re.fullmatch(r"0+[0-9]+", code) and code.lstrip("0") in codes:
        return worded("v_leading_zero_code", value=shown, code=code.lstrip("0"))
    hint = choice_hint(code, choices, unquoted_number=isinstance(value, SourceFloat)) if code is not None else None
    if hint is not None:
        return worded("v_not_a_choice_hint", value=shown, hint=hint)
    return worded("v_not_a_choice", value=shown)


def _with_hint(message: Wording, hint: Wording | None) -> Wording:
    return worded("v_hinted", message=message, hint=hint) if hint is not None else message


def _choices(questionnaire: Questionnaire, question: Question) -> list[tuple[str, Text | None]]:
    """The codes a question accepts, each with its label in the three languages."""
    if question.type == "yes_no":
        labels = ui_strings().root
        return [(code, labels.get(code)) for code in question.yes_no_codes()]
    return [(o.code, o.label) for o in questionnaire.options(question)]


def _code_text(value: Any) -> str | None:
    """A value as the code it was written as: `17.10` unquoted is a number to YAML but the code '17.10'
    here (its source text is kept); None for a value that cannot be a code (true, a list)."""
    if isinstance(value, SourceFloat):
        return value.text
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


_NOT_A = {"yes_no": "v_not_yes_no", "single_choice": "v_not_single_choice"}


def _expected(questionnaire: Questionnaire, question: Question) -> Wording:
    t = question.type
    if t in ("yes_no", "single_choice"):
        return worded("x_one_of", codes=", ".join(questionnaire.codes(question)))
    if t == "multiple_choice":
        return worded("x_list_of", codes=", ".join(questionnaire.codes(question)))
    if t == "integer":
        if question.min is None and question.max is None:
            return worded("x_whole")
        return worded("x_whole_range", range=_range(question.min, question.max))
    if t == "year":
        return worded("x_year", range=_range(question.min or YEAR_BOUNDS[0], question.max or YEAR_BOUNDS[1]))
    if t == "text":
        return worded("x_text", n=question.max_length)
    if t == "evidence":
        return worded("v_evidence_list")
    return worded("v_partner_list")


def _range(low: int | None, high: int | None) -> Wording:
    if low is not None and high is not None:
        return worded("range_from_to", low=low, high=high)
    return worded("range_at_least", low=low) if low is not None else worded("range_at_most", high=high)


def _show(value: Any) -> str:
    """A value as the file wrote it: a number read from `10.70` is shown as 10.70, never as 10.7."""
    text = value.text if isinstance(value, SourceFloat) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _value_location(qid: str, entry: Any) -> Location:
    """Where an answer's value stands: under `value:` when the answer is written as a mapping."""
    return ("answers", qid, "value") if isinstance(entry, dict) else ("answers", qid)


def _other_mipat_file(data: dict[str, Any]) -> str | None:
    """Which other mipat file a mapping without answers is (a rule pack, a tailoring file or a
    questionnaire definition), so that giving one where a response belongs says so in one line."""
    if "answers" in data:
        return None
    if "rules" in data and "scored_by" in data:
        return "rule_pack"
    if data and set(data) <= _TAILORING_KEYS:
        return "tailoring"
    if "questionnaire" not in data and ("sections" in data or "questions" in data):
        return "definition"
    return None
