"""The `mipat` command line: thin click commands over library calls.

Exit codes: 0 success; 1 invalid input (a file that cannot be read or fails validation);
2 usage error (bad option, missing file argument, output file exists without --force).
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from questionnaires.definition import default_questionnaire
from questionnaires.i18n import LANGUAGES
from questionnaires.output_files import write_atomic
from questionnaires.problems import MipatError
from questionnaires.template import render_template
from questionnaires.text_view import render_questionnaire
from questionnaires.validation import ValidationReport, validate_file

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Language of the texts."
)


class MipatGroup(click.Group):
    """Catches the mipat error family once and prints it as located, one-line problems."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MipatError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.echo(f"error: {exc.message}", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem.describe()}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=MipatGroup)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="mipat")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """mipat: Migration Partnerships Assessment Toolkit."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@main.group()
def questionnaire() -> None:
    """Show the bundled questionnaire or write a blank response template."""


@questionnaire.command("show")
@lang_option
def questionnaire_show(lang: str) -> None:
    """Print the questionnaire, grouped by section.

    Example: mipat questionnaire show --lang fr | less
    """
    click.echo(render_questionnaire(default_questionnaire(), lang), nl=False)  # type: ignore[arg-type]


@questionnaire.command("template")
@lang_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def questionnaire_template(lang: str, output: Path, force: bool) -> None:
    """Write a blank response file, each question's text as a comment.

    Example: mipat questionnaire template --lang es -o respuesta.yaml
    """
    write_atomic(output, render_template(default_questionnaire(), lang), force=force)  # type: ignore[arg-type]
    click.echo(f"wrote {output}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report per file, for scripts.")
def validate(files: tuple[Path, ...], as_json: bool) -> None:
    """Check response files against their questionnaire; list every problem with its location.

    Exit code 0 when all files are valid (warnings allowed), 1 when any is not.

    Example: mipat validate examples/*.yaml
    """
    reports = [validate_file(path) for path in files]
    if as_json:
        click.echo(json.dumps([_report_json(r) for r in reports], indent=2, ensure_ascii=False))
    else:
        for report in reports:
            _print_report(report)
    sys.exit(EXIT_OK if all(r.ok for r in reports) else EXIT_INVALID)


def _report_json(report: ValidationReport) -> dict[str, Any]:
    return {
        "file": report.file,
        "valid": report.ok,
        "status": report.status,
        "questionnaire": report.questionnaire.model_dump() if report.questionnaire else None,
        "errors": [p.model_dump(exclude={"severity"}) for p in report.errors],
        "warnings": [p.model_dump(exclude={"severity"}) for p in report.warnings],
    }


def _print_report(report: ValidationReport) -> None:
    if report.ok and report.response is not None:
        r = report.response
        answered = sum(1 for a in r.answers.values() if a.answered)
        click.echo(
            f"{report.file}: valid {r.status} response ({answered} answers, {len(r.inventory)} partnerships"
            f"{f', {len(report.warnings)} warning(s)' if report.warnings else ''})"
        )
    else:
        click.echo(f"{report.file}: INVALID ({len(report.errors)} error(s), {len(report.warnings)} warning(s))")
    for problem in report.problems:
        click.echo(f"  {problem.describe()}")


if __name__ == "__main__":
    main()
