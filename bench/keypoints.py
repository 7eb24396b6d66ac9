"""Benchmark: how far the interview hints (interviews/matching.py) can be trusted.

Run: .venv/bin/python bench/keypoints.py [--details] [--set LANG=PATH ...]

Reads the shipped interview questions (content/<lang>/interviews/*.yaml) and an evaluation set
of trainee-like answers labelled point by point (tests/interviews/keypoints_eval/<lang>.yaml by
default; `--set ar=/path/held-out.yaml` measures another one), and prints, per language, the
micro precision and recall of the hints over all (answer, key point) pairs, the time to match
one answer, and with --details every false positive and false negative with its text.
Targets: precision >= 0.90 and recall >= 0.80 in both languages; exits non-zero if missed.
No database: the files are read as the loader reads them."""

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviews.matching import covered_key_points  # noqa: E402

LANGUAGES = ("en", "ar")
TARGET_PRECISION, TARGET_RECALL = 0.90, 0.80
EVAL_DIR = ROOT / "tests" / "interviews" / "keypoints_eval"


def shipped_questions(language: str, root: Path = ROOT / "content") -> dict[str, dict]:
    """The shipped questions of `language` by key, each with its model answer and key points."""
    questions = {}
    for path in sorted((root / language / "interviews").glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            questions[question["key"]] = question
    return questions


def load_set(path: Path) -> list[dict]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["answers"]


def evaluate(language: str, path: Path | None = None) -> dict:
    """Micro precision and recall of the hints on an evaluation set, with the misses."""
    questions = shipped_questions(language)
    answers = load_set(path or EVAL_DIR / f"{language}.yaml")
    tp = fp = fn = 0
    false_positives, false_negatives, timings = [], [], []
    for n, item in enumerate(answers):
        question = questions[item["question"]]
        keys = {p["key"] for p in question["key_points"]}
        expected = set(item.get("covers") or [])
        unknown = expected - keys
        if unknown:
            raise ValueError(f"answer {n} ({item['question']}): unknown key points {sorted(unknown)}")
        start = time.perf_counter()
        found = set(covered_key_points(item["answer"], question["key_points"]))
        timings.append(time.perf_counter() - start)
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
        false_positives += [(item["question"], key, item["answer"]) for key in sorted(found - expected)]
        false_negatives += [(item["question"], key, item["answer"]) for key in sorted(expected - found)]
    return {
        "answers": len(answers),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "false_positives": false_positives,
        "false_negatives": false_negatives,
        "median_ms": statistics.median(timings) * 1000 if timings else 0.0,
        "max_ms": max(timings) * 1000 if timings else 0.0,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="print every false positive and false negative")
    parser.add_argument("--set", action="append", default=[], metavar="LANG=PATH", help="another evaluation set")
    args = parser.parse_args(argv)
    sets = {language: None for language in LANGUAGES}
    for spec in args.set:
        language, _, path = spec.partition("=")
        sets[language] = Path(path)
    ok = True
    print(
        f"{'lang':<5}{'answers':>8}{'precision':>11}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}{'median ms':>11}{'max ms':>8}"
    )
    results = {}
    for language, path in sets.items():
        r = results[language] = evaluate(language, path)
        ok &= r["precision"] >= TARGET_PRECISION and r["recall"] >= TARGET_RECALL
        print(
            f"{language:<5}{r['answers']:>8}{r['precision']:>11.3f}{r['recall']:>8.3f}{r['tp']:>5}{r['fp']:>5}"
            f"{r['fn']:>5}{r['median_ms']:>11.3f}{r['max_ms']:>8.3f}"
        )
    print(f"targets: precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL}: {'met' if ok else 'MISSED'}")
    if args.details:
        for language, r in results.items():
            for title, rows in (("false positives", r["false_positives"]), ("false negatives", r["false_negatives"])):
                print(f"\n{language} {title} ({len(rows)}):")
                for question, key, text in rows:
                    print(f"  {question} / {key}: {text}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
