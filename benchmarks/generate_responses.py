"""Generate N valid synthetic responses to the bundled questionnaire, for benchmarks and load tests.

    python benchmarks/generate_responses.py OUT_DIR [-n 1000] [--seed 7] [--partnerships 0-12]
    python benchmarks/generate_responses.py big.yaml --single --partnerships 10000-10000

Each response is a plausible authority (national, federal, regional or local; one of three
languages), answers every question its skip logic shows (a fifth are drafts with about 70 % of
them), and lists an inventory drawn from realistic partner names, levels, instruments and
statuses. Every file is validated before it is written, so a benchmark never measures errors.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

from mipat.questionnaires.definition import Question, default_questionnaire
from mipat.questionnaires.source_files import Document
from mipat.questionnaires.validation import validate_document

QUESTIONNAIRE = default_questionnaire()
AUTHORITIES = {
    "national": ["Ministry of the Interior", "Ministère de l'Intérieur", "Ministerio de Relaciones Exteriores"],
    "federal": ["Federal Office for Migration", "Bundesamt für Migration", "Secretaría de Gobernación"],
    "regional": ["Regional Government of Norland", "Région Atlantique", "Gobierno Regional del Sur"],
    "local": ["City of Harbourtown", "Ville de Saint-Aubin", "Municipalidad de San Aurelio"],
}
PARTNER_NAMES = {
    "state": [
        "Ministry of Labour of Norland",
        "Government of Estland",
        "Ministère des Affaires étrangères de Ruritanie",
    ],
    "international_organisation": ["IOM country office", "UNHCR", "ILO regional office"],
    "civil_society": ["Migrant Rights Network", "Caritas", "Fundación Puentes"],
    "migrants": ["Association of Returned Migrants", "Migrant Workers' Council"],
    "diaspora": ["Diaspora Business Forum", "Association des ressortissants"],
    "employers": ["Chamber of Commerce", "Confederation of Employers"],
    "trade_unions": ["General Workers' Union", "Central Sindical"],
    "academia": ["University Migration Observatory", "Institut de recherche sur les migrations"],
}


def _value(rng: random.Random, question: Question) -> Any:
    codes = QUESTIONNAIRE.codes(question)
    if question.type in ("yes_no", "single_choice"):
        weights = [3 if c == "yes" else 2 if c == "partial" else 1 for c in codes]
        return rng.choices(codes, weights)[0]
    if question.type == "multiple_choice":
        plain = [o.code for o in QUESTIONNAIRE.options(question) if not o.exclusive]
        return rng.sample(plain, rng.randint(1, min(4, len(plain))))
    if question.type in ("integer", "year"):
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else low + 10
        return rng.randint(low, min(high, low + 12))
    if question.type == "text":
        return "Described in the annual partnership report."
    if question.type == "evidence":
        return [{"title": f"Decree {rng.randint(1, 300)}/{rng.randint(2015, 2025)}", "kind": "law", "date": "2021"}]
    kinds = [k for k in codes if k in PARTNER_NAMES] or codes
    chosen = rng.sample(kinds, rng.randint(1, min(3, len(kinds))))
    return [{"name": rng.choice(PARTNER_NAMES.get(k, ["Partner"])), "kind": k} for k in chosen]


def _partnership(rng: random.Random, index: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": f"PS-{index:05d}"}
    for field in QUESTIONNAIRE.inventory.fields:
        if field.required or rng.random() < 0.8:
            item[field.id] = _value(rng, field)
    item["name"] = f"Partnership {index} on labour mobility and protection"
    return item


def response_data(rng: random.Random, partnerships: tuple[int, int]) -> dict[str, Any]:
    level = rng.choice(list(AUTHORITIES))
    final = rng.random() < 0.8
    answers: dict[str, Any] = {}
    for question in QUESTIONNAIRE.questions():
        if question.show_if is not None and not question.show_if.holds(answers):
            continue
        if final or rng.random() < 0.7:
            answers[question.id] = _value(rng, question)
    answers["RS.1"] = level
    answers["RS.2"] = rng.choice(AUTHORITIES[level])
    start, end = QUESTIONNAIRE.scope.get("period_start"), QUESTIONNAIRE.scope.get("period_end")
    if start in answers and end in answers:  # a period runs forward
        answers[start], answers[end] = sorted((answers[start], answers[end]))
    shown = QUESTIONNAIRE.visible(answers)  # a draft may leave a gate unanswered: drop what it hides
    answers = {qid: value for qid, value in answers.items() if qid in shown}
    return {
        "questionnaire": {"id": QUESTIONNAIRE.id, "version": QUESTIONNAIRE.version},
        "status": "final" if final else "draft",
        "language": rng.choice(["en", "fr", "es"]),
        "respondent": {"organisation": answers["RS.2"], "role": "Focal point"},
        "answers": answers,
        "inventory": [_partnership(rng, i) for i in range(rng.randint(*partnerships))],
    }


def valid_response(rng: random.Random, partnerships: tuple[int, int]) -> dict[str, Any]:
    for _ in range(50):
        data = response_data(rng, partnerships)
        if validate_document(Document("generated.yaml", data, {(): 1})).ok:
            return data
    raise RuntimeError("could not generate a valid response in 50 tries; has the questionnaire changed?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partnerships", default="0-12", help="range of inventory sizes, e.g. 0-12")
    parser.add_argument("--single", action="store_true", help="write one response to OUT (a file)")
    args = parser.parse_args()
    low, high = (int(x) for x in args.partnerships.split("-"))
    rng = random.Random(args.seed)
    if args.single:
        args.out.write_text(yaml.safe_dump(valid_response(rng, (low, high)), allow_unicode=True, sort_keys=False))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.n):
        data = valid_response(rng, (low, high))
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (args.out / f"response-{index:05d}.yaml").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
