"""Benchmark survey definitions: the largest file the schema allows, checked, imported and exported.

    DATABASE_URL=sqlite:////tmp/cx_definitions.sqlite3 .venv/bin/python bench/survey_definitions.py [--rounds 3]

The database (migrated first) gains one survey a round. The file: 100 select-many questions of
50 options each, labels of 40 Latin and 20 Chinese characters, and 200 contact rules (about
1 MB). Each round times, medians reported:
- the baseline: `json.loads` of the file's text (what any reader of the file pays);
- the check: parse, version, the JSON Schema and the rules beyond it (`definition_problems`);
- the import (`survey_import`: the check again, then the writes, in one transaction);
- the export (`survey_definition` and `definition_json`).
No target: the figures say what the largest file costs (docs/survey-definitions.md).
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings")


def largest_file() -> dict:
    label = {"en": "x" * 40, "zh-hans": "选项" * 10, "zh-hant": "選項" * 10}
    text = {"en": "Why?", "zh-hans": "为什么？", "zh-hant": "為什麼？"}
    return {
        "format": "cxplatform.survey",
        "version": 1,
        "survey": {"name": "Largest", "kind": "nps", "question": {"en": "Recommend us?"}},
        "questions": [
            {
                "key": f"q{i}",
                "kind": "multiple",
                "text": text,
                "options": [{"key": f"o{j}", **label} for j in range(50)],
            }
            for i in range(100)
        ],
        "contact_rules": [{"touchpoint": {"key": f"bench-{i}", "name": f"Bench {i}"}} for i in range(200)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    from surveys.definition_checks import definition_parse, definition_problems
    from surveys.definition_selectors import survey_definition
    from surveys.definitions import definition_json
    from surveys.services.definitions import survey_import

    call_command("migrate", verbosity=0)
    raw = json.dumps(largest_file(), ensure_ascii=False).encode()
    times: dict[str, list[float]] = {"json.loads": [], "check": [], "import": [], "export": []}
    for round_number in range(args.rounds):
        start = time.perf_counter()
        json.loads(raw)
        times["json.loads"].append(time.perf_counter() - start)
        start = time.perf_counter()
        assert definition_problems(definition_parse(raw)) == []
        times["check"].append(time.perf_counter() - start)
        start = time.perf_counter()
        imported = survey_import(data=definition_parse(raw), name=f"Largest {time.time_ns()} {round_number}")
        times["import"].append(time.perf_counter() - start)
        start = time.perf_counter()
        text = definition_json(survey_definition(survey_id=imported.id))
        times["export"].append(time.perf_counter() - start)
        assert len(json.loads(text)["questions"]) == 100
    baseline = statistics.median(times["json.loads"])
    print(f"file: {len(raw) / 1024:.0f} KiB; export: {len(text.encode()) / 1024:.0f} KiB (indented)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:>10}: {median * 1000:7.1f} ms  ({median / baseline:5.1f}x json.loads)")


if __name__ == "__main__":
    main()
