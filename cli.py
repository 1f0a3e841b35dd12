"""The `mipat` command line: thin click commands over library calls.

Exit codes: 0 success; 1 invalid input (a file that cannot be read or fails validation, an invalid
pack or tailoring file); 2 usage error (bad option, missing argument, unknown rule id, output file
exists without --force); 3 the overall index is below `--fail-under`.
"""

from __future__ import annotations

# Each command imports the library it uses when it runs, so `mipat --help` costs Python's start-up
# and click, and `validate` never loads durable-rules or ReportLab.
import contextlib
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mipat import __version__
from mipat.questionnaires.languages import LANGUAGES, Language

if TYPE_CHECKING:
    from mipat.assessment.provenance import Clock
    from mipat.assessment.results import Assessment
    from mipat.questionnaires.validation import ValidationReport

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BELOW = 0, 1, 2, 3


def _remember_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    # Errors are caught in MipatGroup, outside the command: it reads the language from here.
    if value is not None:
        ctx.find_root().ensure_object(dict)["lang"] = value
    return value


def _reader_lang(lang: str | None = None) -> Language:
    """The language of a message: --lang, else the response's once it is read, else English."""
    if lang is not None:
        return lang  # type: ignore[return-value]
    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().obj.get("lang") if ctx is not None and ctx.find_root().obj else None
    return found or "en"  # type: ignore[no-any-return]


def _say(key: str, lang: str | None = None, /, **values: Any) -> str:
    from mipat.questionnaires.messages import message

    return message(key, _reader_lang(lang), **values)


lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the texts.",
    callback=_remember_lang,
)


class MipatGroup(click.Group):
    """Catches the mipat error family once and prints it as located, one-line problems."""

    def invoke(self, ctx: click.Context) -> Any:
        # While a command runs, SIGTERM unwinds like an exception, so temporary files are removed;
        # the caller's handler is put back afterwards (mipat may run inside another program).
        previous = None
        with contextlib.suppress(ValueError):  # only the main thread may set handlers
            previous = signal.signal(signal.SIGTERM, _terminated)
        try:
            return self._invoke(ctx)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def _invoke(self, ctx: click.Context) -> Any:
        from mipat.questionnaires.problems import MipatError

        try:
            return super().invoke(ctx)
        except MipatError as exc:
            lang = _failing(ctx, exc.language)
            counted = exc.wording is not None and exc.wording.key == "cli_file_errors"  # "x.yaml: 1 error"
            if len(exc.problems) == 1 and (counted or exc.problems[0].message == exc.message):
                # One located problem says it all (file, line, what is wrong): say it once.
                click.echo(exc.problems[0].describe(lang), err=True)
            else:
                click.echo(_say("cli_error", lang, message=exc.describe(lang)), err=True)
                for problem in exc.problems:
                    click.echo(f"  {problem.describe(lang)}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `mipat … | head`: the reader left; nothing more to say
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_OS)
        except OSError as exc:  # any input or output the operating system refused, said in one line
            from mipat.questionnaires.safe_text import display_name

            lang = _failing(ctx)
            where = display_name(exc.filename) if isinstance(exc.filename, str | bytes) else "mipat"
            click.echo(_say("cli_os_error", lang, path=where, reason=exc.strerror or type(exc).__name__), err=True)
            ctx.exit(EXIT_OS)
        except Exception as exc:  # a bug: one line and a distinct exit code; --debug shows the traceback
            from mipat.questionnaires.safe_text import escape_controls

            lang = _failing(ctx)
            detail = escape_controls(traceback.format_exception_only(type(exc), exc)[-1].strip())
            click.echo(_say("cli_internal_error", lang, detail=detail), err=True)
            ctx.exit(EXIT_INTERNAL)


def _failing(ctx: click.Context, fallback: Language | None = None) -> Language:
    """Before a failure is told: its traceback with --debug; the language to tell it in."""
    if ctx.obj and ctx.obj.get("debug"):
        traceback.print_exc()
    return (ctx.obj or {}).get("lang") or fallback or "en"


EXIT_OS = 4  # an input or output the operating system refused (missing folder, read-only, full disk)
EXIT_INTERNAL = 70  # a bug in mipat (EX_SOFTWARE)


def _safe_streams() -> None:
    """A terminal that cannot show a character gets an escape for it, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@click.group(cls=MipatGroup)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="mipat", version=__version__)
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """mipat: Migration Partnerships Assessment Toolkit."""
    _safe_streams()
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@main.group()
def questionnaire() -> None:
    """Show the bundled questionnaire, write a blank response template or export it as a form to fill in."""


@questionnaire.command("show")
@lang_option
def questionnaire_show(lang: str) -> None:
    """Print the questionnaire, grouped by section.

    Example: mipat questionnaire show --lang fr | less
    """
    from mipat.questionnaires.definition import default_questionnaire
    from mipat.questionnaires.text_view import render_questionnaire

    click.echo(render_questionnaire(default_questionnaire(), lang), nl=False)  # type: ignore[arg-type]


@questionnaire.command("template")
@lang_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Name this schema file (from `mipat schema --response`) in the YAML template, for editors.",
)
def questionnaire_template(lang: str, output: Path, force: bool, schema_file: Path | None) -> None:
    """Write a blank response file: YAML, each question's text as a comment, or JSON when OUTPUT
    ends in .json.

    With --schema the YAML starts with a `# yaml-language-server: $schema=…` line that VS Code's
    YAML extension reads, the path written relative to OUTPUT's folder.

    Example: mipat questionnaire template --lang es -o respuesta.yaml --schema respuesta.schema.json
    """
    from mipat.questionnaires.definition import default_questionnaire
    from mipat.questionnaires.output_files import is_stdout, write_atomic
    from mipat.questionnaires.template import render_json_template, render_template

    questionnaire = default_questionnaire()
    if output.suffix.lower() == ".json":
        if schema_file is not None:  # mipat validate refuses a `$schema` key, and JSON has no comments
            from mipat.questionnaires.problems import UsageError, worded

            raise UsageError(worded("cli_template_schema_json", path=str(output)))
        text = render_json_template(questionnaire, lang)  # type: ignore[arg-type]
    else:
        folder = Path.cwd() if is_stdout(output) else output.absolute().parent
        where = None if schema_file is None else Path(os.path.relpath(schema_file.absolute(), folder)).as_posix()
        text = render_template(questionnaire, lang, schema=where)  # type: ignore[arg-type]
    write_atomic(output, text, force=force)
    if not is_stdout(output):
        click.echo(_say("cli_wrote", lang, path=output))


@questionnaire.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "xlsform", "pdf"]),
    required=True,
    help="xlsx: Excel workbook; xlsform: XLSForm for KoboToolbox/ODK; pdf: fillable PDF form.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    callback=_remember_lang,
    help="Language of the form; default the --from response's language, else English.",
)
@click.option(
    "--from",
    "from_response",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A response (YAML/JSON) whose answers fill the form in (xlsx and pdf).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def questionnaire_export(fmt: str, lang: str | None, from_response: Path | None, output: Path, force: bool) -> None:
    """Write the questionnaire as a form to fill in where ministries work.

    The form records the questionnaire version and its language, so `mipat import` reads it back
    to a response file.

    Example: mipat questionnaire export --format xlsx --lang fr -o questionnaire.xlsx
    """
    from mipat.questionnaires.definition import default_questionnaire, find_questionnaire
    from mipat.questionnaires.forms.exporting import PREFILLABLE, export_form
    from mipat.questionnaires.output_files import check_output, is_stdout, write_atomic
    from mipat.questionnaires.problems import UsageError, worded
    from mipat.questionnaires.validation import load_response

    if from_response is not None and fmt not in PREFILLABLE:
        raise UsageError(worded("cli_from_not_prefillable", format=fmt))
    if not is_stdout(output):
        check_output(output, force=force)
    response = load_response(from_response) if from_response is not None else None
    questionnaire = default_questionnaire()
    if response is not None:
        questionnaire = find_questionnaire(response.questionnaire.id, response.questionnaire.version) or questionnaire
    form_lang = lang or (response.language if response is not None else "en")
    data = export_form(fmt, questionnaire, form_lang, response)  # type: ignore[arg-type]
    write_atomic(output, data, force=force)
    if not is_stdout(output):
        click.echo(_say("cli_wrote", form_lang, path=output))


@main.command("import")
@click.argument("form", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Response file to write (YAML), or a folder for every submission of a data export; - for stdout.",
)
@click.option("--submission", help="Import only this submission of a KoboToolbox/ODK data export.")
@click.option("--force", is_flag=True, help="Replace files that exist.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    callback=_remember_lang,
    help="Language of the messages; default the form's language.",
)
def import_form(form: Path, output: Path, submission: str | None, force: bool, lang: str | None) -> None:
    """Read a filled form back to a response file, recording where each answer came from.

    FORM is a workbook or PDF form exported by `mipat questionnaire export`, or a KoboToolbox or
    ODK Central data export (XLSX, CSV or ZIP) of the XLSForm; its kind is read from its content.
    Exit code 0 when every response is valid (warnings allowed), 1 when the form cannot be read or
    a response has errors: nothing is written for it.

    Example: mipat import questionnaire.xlsx -o response.yaml
    """
    from mipat.portfolio.inputs import unique_ids
    from mipat.questionnaires.forms.importing import imported_yaml, read_form, validate_form
    from mipat.questionnaires.output_files import check_output, is_stdout, write_atomic
    from mipat.questionnaires.problems import UsageError, worded

    form_file = read_form(form)
    forms = form_file.forms
    if submission is not None:
        forms = [f for f in forms if f.submission == submission]
        if not forms:
            known = ", ".join(str(f.submission) for f in form_file.forms)
            raise UsageError(worded("cli_no_submission", submission=submission, known=known))
    to_folder = len(forms) > 1 or output.is_dir()
    if to_folder and is_stdout(output):
        raise UsageError(worded("cli_import_needs_folder", n=len(forms)))
    if to_folder and not output.is_dir():
        raise UsageError(worded("cli_import_needs_folder", n=len(forms)))
    targets = (
        [output / f"{stem}.yaml" for stem in unique_ids([f.submission or form.stem for f in forms])]
        if to_folder
        else [output]
    )
    for target in targets:
        if not is_stdout(target):
            check_output(target, force=force)
    failed = False
    for imported, target in zip(forms, targets, strict=True):
        report = validate_form(form_file, imported)
        reader = lang or report.language or imported.form_language
        if not report.ok:
            failed = True
            _print_report(report, reader, err=is_stdout(output))  # type: ignore[arg-type]
            continue
        write_atomic(target, imported_yaml(form_file, imported), force=force)
        if report.problems:
            _print_report(report, reader, err=is_stdout(output))  # type: ignore[arg-type]
        if not is_stdout(target):
            click.echo(_say("cli_wrote", reader, path=target), err=is_stdout(output))
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report per file, for scripts.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    callback=_remember_lang,
    help="Language of the messages; default each response's own language (English for a file that is no response).",
)
def validate(files: tuple[Path, ...], as_json: bool, lang: str | None) -> None:
    """Check response files against their questionnaire; list every problem with its location.

    Exit code 0 when all files are valid (warnings allowed), 1 when any is not. JSON keeps English
    messages and codes, whatever the language.

    Example: mipat validate examples/*.yaml
    """
    from mipat.questionnaires.validation import validate_file

    reports = [validate_file(path) for path in files]
    if as_json:
        click.echo(json.dumps([_report_json(r) for r in reports], indent=2, ensure_ascii=False))
    else:
        for report in reports:
            _print_report(report, lang or report.language or "en")  # type: ignore[arg-type]
    sys.exit(EXIT_OK if all(r.ok for r in reports) else EXIT_INVALID)


def _report_json(report: ValidationReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "valid": report.ok,
        "status": report.status,
        "questionnaire": report.questionnaire.model_dump() if report.questionnaire else None,
        "errors": [p.model_dump(exclude={"severity"}) for p in report.errors],
        "warnings": [p.model_dump(exclude={"severity"}) for p in report.warnings],
        "unlisted_errors": report.unlisted_errors,
        "unlisted_warnings": report.unlisted_warnings,
    }


def _print_report(report: ValidationReport, lang: Language, *, err: bool = False) -> None:
    from mipat.questionnaires.messages import count_message

    if report.ok and report.response is not None:
        r = report.response
        answered = sum(1 for a in r.answers.values() if a.answered)
        details = [count_message("n_answers", answered, lang), count_message("n_partnerships", len(r.inventory), lang)]
        if report.warning_count:
            details.append(count_message("n_warnings", report.warning_count, lang))
        click.echo(_say(f"cli_valid_{r.status}", lang, file=report.file, details=", ".join(details)), err=err)
    else:
        errors = count_message("n_errors", report.error_count, lang)
        warnings = count_message("n_warnings", report.warning_count, lang)
        click.echo(_say("cli_invalid", lang, file=report.file, errors=errors, warnings=warnings), err=err)
    for problem in report.problems:
        click.echo(f"  {problem.describe(lang)}", err=err)
    unlisted = report.unlisted_errors + report.unlisted_warnings
    if unlisted:
        click.echo("  " + count_message("n_unlisted", unlisted, lang, listed=len(report.problems)), err=err)


pack_option = click.option(
    "--pack",
    "packs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add your own rule pack (YAML); may be repeated.",
)
tailoring_option = click.option(
    "--tailoring",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tailoring file: packs, disabled rules, weights, exceptions.",
)
fixed_date_option = click.option(
    "--fixed-date",
    help="Assessment date-time to record (ISO), for reproducible output; default SOURCE_DATE_EPOCH or now.",
)
output_lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    callback=_remember_lang,
    help="Language of texts; default the response's language.",
)


def _width(to_terminal: bool) -> int:
    """80 columns, or the terminal's own width (never under 60) when a person is looking at it."""
    import shutil

    from mipat.reports.text_summary import WIDTH

    if not to_terminal or not sys.stdout.isatty():
        return WIDTH
    return max(60, shutil.get_terminal_size((WIDTH, 24)).columns)


def _render(assessment: Assessment, fmt: str, lang: str | None, *, to_terminal: bool = True) -> str:
    from mipat.reports.csv_table import render_csv
    from mipat.reports.text_summary import render_summary

    if fmt == "json":
        return assessment.to_json()
    if fmt == "csv":
        return render_csv([assessment], lang)  # type: ignore[arg-type]
    return render_summary(assessment, lang or assessment.language, width=_width(to_terminal))  # type: ignore[arg-type]


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@pack_option
@tailoring_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@output_lang_option
@click.option(
    "--fail-under", type=click.FloatRange(0, 100), help="Exit with code 3 if the overall index is below this."
)
@fixed_date_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout."
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def score(
    file: Path,
    packs: tuple[Path, ...],
    tailoring: Path | None,
    fmt: str,
    lang: str | None,
    fail_under: float | None,
    fixed_date: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Score a response against the rule packs: scores per principle and target, bands, and why.

    CSV: with --lang, headers and labels in that language; without, the stable English column names
    scripts read.

    Example: mipat score examples/national-origin-fr.yaml --format json --fixed-date 2026-01-31
    """
    from mipat.assessment.provenance import Clock
    from mipat.assessment.scoring import build_scorer
    from mipat.questionnaires.output_files import check_output, is_stdout, write_atomic

    if is_stdout(output):
        output = None
    if output is not None:
        check_output(output, force=force)  # before scoring: a wrong -o is said at once
    scorer = build_scorer(packs, tailoring)
    try:
        assessment = scorer.score_file(file, Clock.fixed_or_now(fixed_date))
    finally:
        scorer.close()
    _remember_lang(click.get_current_context(), None, lang or assessment.language)  # type: ignore[arg-type]
    text = _render(assessment, fmt, lang, to_terminal=output is None)
    if output is not None:
        write_atomic(output, text, force=force)
    else:
        click.echo(text, nl=False)
    if fail_under is not None and (assessment.overall_index is None or assessment.overall_index < fail_under):
        from mipat.reports.text_summary import number

        language = _reader_lang()
        index = "–" if assessment.overall_index is None else number(assessment.overall_index, language)
        click.echo(_say("cli_below", language, index=index, threshold=number(fail_under, language)), err=True)
        sys.exit(EXIT_BELOW)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.argument("rule_id")
@pack_option
@tailoring_option
@output_lang_option
@fixed_date_option
@click.option("--json", "as_json", is_flag=True, help="Print the rule's trace as JSON.")
def explain(
    file: Path,
    rule_id: str,
    packs: tuple[Path, ...],
    tailoring: Path | None,
    lang: str | None,
    fixed_date: str | None,
    as_json: bool,
) -> None:
    """Explain why a rule got its outcome for a response: the answers read, the condition, credit and weight.

    Example: mipat explain examples/city-es.yaml GCM-WOS-01 --lang en
    """
    from mipat.assessment.provenance import Clock
    from mipat.assessment.scoring import build_scorer
    from mipat.reports.text_summary import render_explanation
    from mipat.rules.conditions import describe

    scorer = build_scorer(packs, tailoring)
    try:
        assessment = scorer.score_file(file, Clock.fixed_or_now(fixed_date))
    finally:
        scorer.close()
    _remember_lang(click.get_current_context(), None, lang or assessment.language)  # type: ignore[arg-type]
    result = assessment.rule(rule_id)
    if result is None:
        from mipat.questionnaires.problems import UsageError, worded
        from mipat.questionnaires.suggestions import closest

        known = sorted(r.rule_id for r in assessment.rules)
        close = closest(rule_id, known, n=1)
        if close:
            raise UsageError(worded("cli_unknown_rule_close", rule=repr(rule_id), close=f"`{close[0]}`"))
        raise UsageError(worded("cli_unknown_rule", rule=repr(rule_id), examples=", ".join(known[:5])))
    if as_json:
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True))
        return
    language = lang or assessment.language
    rule = next(r for p in scorer.packs for r in p.pack.rules if r.id == rule_id)
    worded = {"condition": describe(rule.when, language), "applies_if": None, "held": None}
    if rule.applies_if is not None:
        worded["applies_if"] = describe(rule.applies_if, language)
    if result.level == "partial" and rule.partial_when is not None:
        worded["held"] = describe(rule.partial_when, language)
    elif result.level == "full":
        worded["held"] = worded["condition"]
    worded["values"] = _values_in_words(rule, result.values, language)
    text = render_explanation(assessment, result.model_copy(update=worded), language, width=_width(True))  # type: ignore[arg-type]
    click.echo(text, nl=False)


def _values_in_words(rule: Any, values: list[Any], lang: str) -> list[Any]:
    """Inventory counts a rule read, named in `lang` (the trace names them in English)."""
    from mipat.rules.conditions import CountTest, DistinctTest, atoms, describe

    names = {}
    for condition in rule.conditions().values():
        for atom in atoms(condition):
            if isinstance(atom, CountTest | DistinctTest):
                # the aggregate without its comparison, as the trace names it
                names[describe(atom).rsplit(" ", 2)[0]] = describe(atom, lang).rsplit(" ", 2)[0]
    return [v.model_copy(update={"name": names.get(v.name, v.name)}) for v in values]


@main.group()
def rules() -> None:
    """List and show the scoring rules."""


@rules.command("list")
@pack_option
@click.option("--json", "as_json", is_flag=True, help="A JSON array, one object per rule (English texts).")
@lang_option
def rules_list(packs: tuple[Path, ...], as_json: bool, lang: str) -> None:
    """List every rule, one a line: id, pack, group, weight, priority and its finding when met.

    Example: mipat rules list | grep WOS
    """
    from mipat.rules.packs import available_packs

    rows = [
        {
            "id": r.id,
            "pack": lp.pack.id,
            "group": r.group,
            "weight": r.weight,
            "priority": r.priority,
            "finding": r.texts.met.en,
        }
        for lp in available_packs(packs)
        for r in lp.pack.rules
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from mipat.questionnaires.messages import message

    texts = {r.id: r.texts.met.get(lang) for lp in available_packs(packs) for r in lp.pack.rules}  # type: ignore[arg-type]
    for row in rows:
        priority = message(f"priority_{row['priority']}", lang)  # type: ignore[arg-type]
        click.echo(
            f"{row['id']:<18} {row['pack']:<24} {row['group']:<26} "
            f"w{row['weight']:<4g} {priority:<7} {texts[row['id']]}"
        )


@rules.command("show")
@click.argument("rule_id")
@pack_option
@lang_option
def rules_show(rule_id: str, packs: tuple[Path, ...], lang: str) -> None:
    """Show one rule in full: conditions, weight, evidence requirement, texts and references.

    Example: mipat rules show GCM-WOG-01 --lang fr
    """
    from mipat.questionnaires.problems import UsageError, worded
    from mipat.reports.rule_text import render_rule
    from mipat.rules.packs import available_packs

    found = [(lp, r) for lp in available_packs(packs) for r in lp.pack.rules if r.id == rule_id]
    if not found:
        from mipat.questionnaires.suggestions import closest

        close = closest(rule_id, [r.id for lp in available_packs(packs) for r in lp.pack.rules], n=1)
        if close:
            raise UsageError(worded("cli_no_rule_close", rule=repr(rule_id), close=f"`{close[0]}`"))
        raise UsageError(worded("cli_no_rule", rule=repr(rule_id)))
    loaded, rule = found[0]
    click.echo(render_rule(loaded.pack, rule, lang, width=_width(True)), nl=False)  # type: ignore[arg-type]


def _assessment_of(path: Path, packs: tuple[Path, ...], tailoring: Path | None, clock: Clock) -> Assessment:
    """A saved result as it is (no rescoring), or a response scored now."""
    return _saved_result(path, packs) or _scored(path, packs, tailoring, clock)


def _saved_result(path: Path, packs: tuple[Path, ...]) -> Assessment | None:
    """The saved result in `path`, or None when it is a response."""
    from mipat.assessment.results_files import read_result
    from mipat.rules.packs import load_pack

    return read_result(path, [load_pack(p) for p in packs])


def _scored(path: Path, packs: tuple[Path, ...], tailoring: Path | None, clock: Clock) -> Assessment:
    from mipat.assessment.scoring import build_scorer

    scorer = build_scorer(packs, tailoring)
    try:
        return scorer.score_file(path, clock)
    finally:
        scorer.close()


@main.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PDF file to write."
)
@output_lang_option
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    help="The same authority's previous response or saved result, to show what changed.",
)
@pack_option
@tailoring_option
@fixed_date_option
@click.option("--all-findings", is_flag=True, help="Write findings for every pack, not only per GCM principle.")
@click.option(
    "--force-compare",
    is_flag=True,
    help="Compare with --previous even when it names another authority, level or country (the report says so).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def report(
    input_file: Path,
    output: Path,
    lang: str | None,
    previous: Path | None,
    packs: tuple[Path, ...],
    tailoring: Path | None,
    fixed_date: str | None,
    all_findings: bool,
    force_compare: bool,
    force: bool,
) -> None:
    """Write the auditor's PDF report for a response file or a saved result (JSON from `mipat score`).

    With --fixed-date (or SOURCE_DATE_EPOCH) the same inputs give a byte-identical PDF.

    Example: mipat report examples/city-es.yaml -o informe.pdf --previous informe-2023.json
    """
    from mipat.assessment.provenance import Clock
    from mipat.questionnaires.output_files import check_output, is_stdout, write_atomic
    from mipat.reports.pdf_report import render_pdf

    if not is_stdout(output):
        check_output(output, force=force)  # before rendering: a wrong -o is said at once
    clock = Clock.fixed_or_now(fixed_date)
    saved = _saved_result(input_file, packs)
    if saved is not None:  # a saved result: options that would change its scores do not apply
        from mipat.questionnaires.problems import UsageError, worded

        if tailoring is not None:
            raise UsageError(worded("cli_saved_tailoring", path=str(input_file)))
        if fixed_date is not None:
            click.echo(_say("cli_saved_fixed_date", lang or saved.language, path=input_file), err=True)  # type: ignore[arg-type]
    assessment = saved or _scored(input_file, packs, tailoring, clock)
    earlier = _assessment_of(previous, packs, tailoring, clock) if previous is not None else None
    if earlier is not None:
        _check_comparable(previous, earlier, assessment, force_compare)
    language = lang or assessment.language
    _remember_lang(click.get_current_context(), None, language)  # type: ignore[arg-type]
    from mipat.reports.scripts import uncovered_texts

    with uncovered_texts() as uncovered:
        pdf = render_pdf(assessment, language, previous=earlier, all_findings=all_findings)  # type: ignore[arg-type]
    write_atomic(output, pdf, force=force)
    for item in uncovered:  # a name no embedded font can draw: say so rather than print boxes silently
        click.echo(_say("cli_uncovered_script", language, path=output, text=str(item)), err=True)
    from babel import Locale

    from mipat.questionnaires.locale_format import format_number

    index = "–" if assessment.overall_index is None else format_number(assessment.overall_index, language)  # type: ignore[arg-type]
    name = Locale.parse(language).get_display_name(language)
    # With -o - the PDF is standard output: the summary line goes to standard error.
    click.echo(_say("cli_wrote_report", language, path=output, language=name, index=index), err=is_stdout(output))


def _check_comparable(previous: Path, earlier: Assessment, current: Assessment, force: bool) -> None:
    """Refuse a --previous of another authority (its scores are not this one's past), unless forced."""
    from mipat.questionnaires.problems import InputError
    from mipat.reports.comparison import mismatches

    differences = mismatches(earlier, current)
    if not differences:
        return
    if not force:
        raise InputError(_say("cli_other_authority", None, path=previous, fields="; ".join(differences)))
    click.echo(_say("cli_forced_compare", None, fields="; ".join(differences)), err=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for all outputs."
)
@click.option("--pdf", is_flag=True, help="Also write each response's PDF report (reports/ID.pdf).")
@click.option(
    "--lang", type=click.Choice(LANGUAGES), default=None, help="Language of summaries and reports; default English."
)
@click.option("--jobs", "-j", type=click.IntRange(1, 256), help="Worker processes; default one per core.")
@pack_option
@tailoring_option
@click.option(
    "--fail-under", type=click.FloatRange(0, 100), help="Exit with code 3 if any overall index is below this."
)
@click.option("--resume", is_flag=True, help="Keep results that match the input's and the packs' hashes.")
@click.option("--force", is_flag=True, help="Score everything again although DIR already holds results.")
@click.option("--shard", "shard_spec", metavar="I/N", help="Score only the I-th of N deterministic slices of INPUTS.")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786.")
@click.option(
    "--timeout", type=click.FloatRange(1), default=120, show_default=True, help="Seconds one response may take."
)
@fixed_date_option
def batch(
    inputs: tuple[str, ...],
    out_dir: Path,
    pdf: bool,
    lang: str | None,
    jobs: int | None,
    packs: tuple[Path, ...],
    tailoring: Path | None,
    fail_under: float | None,
    resume: bool,
    force: bool,
    shard_spec: str | None,
    scheduler: str | None,
    timeout: float,
    fixed_date: str | None,
) -> None:
    """Score many responses: INPUTS are files, folders (searched recursively) or glob patterns.

    Writes DIR/results/ID.json per response (and DIR/reports/ID.pdf with --pdf), summary.csv,
    summary.xlsx, errors.csv and portfolio.pdf. Exit code 0 all scored, 1 some inputs could not be
    scored (see errors.csv), 2 usage, 3 some overall index below --fail-under.

    Example: mipat batch responses/ --out batch-2026 --lang fr --jobs 2 --pdf
    """
    from mipat.portfolio.runner import run_batch

    bar: Any = None

    def start(total: int) -> None:
        nonlocal bar
        if sys.stderr.isatty() and total:
            label = _say("cli_scoring", lang or "en")
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True)
            bar.__enter__()

    try:
        result = run_batch(
            inputs,
            out_dir,
            pdf=pdf,
            lang=lang,  # type: ignore[arg-type]
            jobs=jobs,
            packs=packs,
            tailoring=tailoring,
            fail_under=fail_under,
            resume=resume,
            force=force,
            shard_spec=shard_spec,
            scheduler=scheduler,
            fixed_date=fixed_date,
            timeout=timeout,
            on_start=start,
            on_outcome=lambda _: bar.update(1) if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    from mipat.questionnaires.messages import count_message
    from mipat.reports.text_summary import number

    language: Language = lang or "en"  # type: ignore[assignment]
    kept = f" ({count_message('n_kept', result.resumed, language)})" if result.resumed else ""
    scored = count_message("n_responses_scored", len(result.rows), language)
    failed = count_message("n_failed", len(result.failures), language)
    click.echo(_say("cli_batch_done", language, scored=scored, kept=kept, failed=failed, path=out_dir))
    for failure in result.failures:
        click.echo(f"  {failure.error}", err=True)
        for problem in failure.problems[:3]:
            click.echo(f"    {problem}", err=True)
    if result.below:
        threshold = number(fail_under or 0, language)
        click.echo(count_message("n_below", len(result.below), language, threshold=threshold), err=True)
    sys.exit(result.exit_code)


@main.command()
@click.option(
    "--response",
    is_flag=True,
    help="The schema of response files instead, generated from the questionnaire: for editors (VS Code and others).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    callback=_remember_lang,
    help="Language of the questions' titles and help in the --response schema; default English.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout."
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def schema(response: bool, lang: str | None, output: Path | None, force: bool) -> None:
    """Print the JSON Schema of results, or with --response that of response files (for editors).

    Results are what `mipat score --format json` writes; `mipat validate` stays the authority on
    responses.

    Example: mipat schema --response --lang fr -o reponse.schema.json
    """
    from mipat.questionnaires.output_files import is_stdout, write_atomic

    if response:
        from mipat.questionnaires.definition import default_questionnaire
        from mipat.questionnaires.response_schema import response_json_schema

        text = response_json_schema(default_questionnaire(), lang or "en")  # type: ignore[arg-type]
    else:
        if lang is not None:
            from mipat.questionnaires.problems import UsageError, worded

            raise UsageError(worded("cli_schema_lang_needs_response"))
        from mipat.assessment.results import assessment_json_schema

        text = assessment_json_schema()
    if output is None or is_stdout(output):
        click.echo(text, nl=False)
        return
    write_atomic(output, text, force=force)
    click.echo(_say("cli_wrote", lang, path=output))


if __name__ == "__main__":
    main()
