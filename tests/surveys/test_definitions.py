"""Survey definitions as JSON: surveys/definitions.py, definition_checks.py, the selector, the import service,
the commands, the admin action and page, and the API."""

import io
import json
import zipfile
from copy import deepcopy
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from jsonschema import Draft202012Validator

from surveys.definition_checks import SCHEMA_FILE, DefinitionRefused, definition_parse, definition_problems, schema
from surveys.definition_selectors import survey_definition
from surveys.definitions import definition_json
from surveys.models import ContactRule, Question, Survey, Touchpoint
from surveys.services.definitions import survey_import
from tests.surveys.factories import ContactRuleFactory, QuestionFactory, SurveyFactory, TouchpointFactory

TEXT = {"en": "How was it?", "zh-hans": "怎么样？", "zh-hant": "怎麼樣？"}
OPTIONS = [
    {"key": "price", "en": "Price", "zh-hans": "价格", "zh-hant": "價格"},
    {"key": "support", "en": "Support", "zh-hans": "支持", "zh-hant": "支援"},
]


def full_survey() -> Survey:
    """A CSAT survey with a question of every kind, all three languages, and two contact rules."""
    survey = SurveyFactory(
        name="Delivery CSAT 送货",
        kind="csat",
        question_en="How satisfied are you with the delivery?",
        follow_up_en="Why?",
        follow_up_zh_hans="为什么？",
        follow_up_zh_hant="為什麼？",
        consent_en="You may contact me.",
        consent_zh_hans="可以联系我。",
        consent_zh_hant="可以聯絡我。",
        default_locale="zh-hant",
        require_identity=True,
        widget_origins=["https://app.example.com"],
    )
    for position, (key, kind) in enumerate(
        (("reason", "single"), ("liked", "multiple"), ("ease", "scale_5"), ("effort", "scale_10"), ("else", "text"))
    ):
        QuestionFactory(
            survey=survey,
            key=key,
            kind=kind,
            position=10 - position,  # stored positions reversed: the order is position's, not id's
            text_en=f"{key}?",
            options={"single": OPTIONS, "multiple": [*OPTIONS, {"key": "other"}]}.get(kind, []),  # a label blank
            required=kind == "single",
            shown_to="dissatisfied" if kind == "text" else "",
        )
    ContactRuleFactory(survey=survey, touchpoint=TouchpointFactory(key="delivery", name="Delivery"), priority=2)
    ContactRuleFactory(survey=survey, touchpoint=TouchpointFactory(key="checkout", name="Checkout"), channel="widget")
    return survey


def export(survey_id: int) -> str:
    return definition_json(survey_definition(survey_id=survey_id))


def good() -> dict:
    return {
        "format": "cxplatform.survey",
        "version": 1,
        "survey": {"name": "Imported", "kind": "nps", "question": {"en": "Recommend us?"}},
        "questions": [{"key": "why", "kind": "single", "text": dict(TEXT), "options": deepcopy(OPTIONS)}],
    }


@pytest.mark.django_db
def test_export_import_export_is_identical_and_moves_everything():
    # given
    survey = full_survey()
    first = export(survey.id)
    old_key, old_secret = survey.public_key, survey.identity_secret
    Survey.objects.filter(pk=survey.pk).delete()
    Touchpoint.objects.filter(key="checkout").delete()  # the other installation lacks one touchpoint
    # when
    imported = survey_import(data=definition_parse(first.encode()))
    # then
    assert export(imported.id) == first
    assert imported.touchpoints_made == ("checkout",)
    new = Survey.objects.get(pk=imported.id)
    assert (new.public_key, new.identity_secret) != (old_key, old_secret)
    assert list(Question.objects.filter(survey=new).values_list("key", flat=True)) == [
        "else", "effort", "ease", "liked", "reason"
    ]  # fmt: skip
    data = json.loads(first)
    assert list(data) == ["format", "version", "survey", "questions", "contact_rules"]
    assert data["survey"]["follow_up"] == {"en": "Why?", "zh-hans": "为什么？", "zh-hant": "為什麼？"}
    assert "public_key" not in first
    assert old_secret not in first
    assert [rule["touchpoint"]["key"] for rule in data["contact_rules"]] == ["checkout", "delivery"]
    assert ContactRule.objects.get(survey=new, touchpoint__key="delivery").priority == 2


@pytest.mark.django_db
def test_the_published_schema_is_valid_and_accepts_what_export_writes():
    Draft202012Validator.check_schema(schema())
    data = json.loads(export(full_survey().id))
    assert list(Draft202012Validator(schema()).iter_errors(data)) == []
    assert definition_problems(data) == []


def test_the_docs_publish_the_same_schema_file():
    docs_copy = Path(__file__).resolve().parents[2] / "docs" / "schemas" / SCHEMA_FILE.name
    assert docs_copy.read_bytes() == SCHEMA_FILE.read_bytes()


def test_schema_refusals_name_each_exact_path_at_once():
    data = good()
    data["survey"]["kind"] = "stars"
    del data["survey"]["question"]
    data["survey"]["extra"] = 1
    data["questions"].append({"key": "ok", "kind": "text", "text": {"en": " "}})
    data["questions"][0]["options"][1]["key"] = "x y"
    data["questions"][0]["text"]["zh-hant"] = "長" * 501

    found = {problem.path: problem.message for problem in definition_problems(data)}

    assert found == {
        "survey.kind": '"stars" is not one of "nps", "ces", "csat".',
        "survey.question": "Is required.",
        "survey.extra": "Is not a field of this format.",
        "questions[1].text.en": "Must not be blank.",
        "questions[0].options[1].key": '"x y" does not match ^[-a-zA-Z0-9_]+$.',
        "questions[0].text.zh-hant": "Is longer than 500 characters.",
    }


def test_rules_beyond_the_schema_are_refused_with_their_paths():
    data = good()
    data["survey"]["kind"] = "ces"
    data["questions"] += [
        {"key": "why", "kind": "multiple", "text": TEXT, "options": [OPTIONS[0], OPTIONS[0]]},
        {"key": "pick", "kind": "single", "text": TEXT},
        {"key": "rate", "kind": "scale_5", "text": TEXT, "options": OPTIONS, "shown_to": "promoter"},
    ]
    rule = {"touchpoint": {"key": "delivery", "name": "Delivery"}}
    data["contact_rules"] = [rule, rule]

    found = [str(problem) for problem in definition_problems(data)]

    assert found == [
        'questions[1].key: "why" is used already by questions[0]; each must be different.',
        'questions[1].options[1].key: "price" is used already by questions[1].options[0]; each must be different.',
        "questions[2].options: A select question needs at least one option.",
        "questions[3].options: Only select questions have options; this one is scale_5.",
        'questions[3].shown_to: "promoter" is not an answer class of a ces survey; '
        "its classes are easy, neutral, hard.",
        'contact_rules[1].touchpoint.key: "delivery" is used already by contact_rules[0]; each must be different.',
    ]


def test_a_newer_version_is_refused_naming_both_versions():
    assert [str(problem) for problem in definition_problems({**good(), "version": 2, "survey": None})] == [
        "version: This file is of format version 2; this installation reads versions up to 1. Import it into a "
        "newer cxplatform, or export it again from one that writes version 1."
    ]
    assert [str(problem) for problem in definition_problems({**good(), "format": "other", "version": 2})] == [
        'format: Must be "cxplatform.survey"; it is "other".',
        "version: Must be 1; it is 2.",
    ]


def test_what_is_not_json_is_refused_with_where_it_stops():
    with pytest.raises(DefinitionRefused) as refused:
        definition_parse(b'{"format": ')
    assert str(refused.value) == "$: Not JSON: Expecting value at line 1, column 12."
    with pytest.raises(DefinitionRefused):
        definition_parse(b'{"version": NaN}')
    with pytest.raises(DefinitionRefused, match=r"^\$: Not UTF-8 text \(byte 1\)\.$"):
        definition_parse(b"{\xff}")
    assert [str(problem) for problem in definition_problems([])] == ["$: Must be of type object; it is []."]


@pytest.mark.django_db
def test_a_refused_import_saves_nothing_and_a_taken_name_is_refused():
    SurveyFactory(name="Imported")
    before = (Survey.objects.count(), Touchpoint.objects.count(), Question.objects.count())
    data = {**good(), "contact_rules": [{"touchpoint": {"key": "new-one", "name": "New"}}]}

    with pytest.raises(DefinitionRefused) as refused:
        survey_import(data=data)

    assert [problem.path for problem in refused.value.problems] == ["survey.name"]
    assert "'Imported' exists already" in str(refused.value)
    assert (Survey.objects.count(), Touchpoint.objects.count(), Question.objects.count()) == before
    imported = survey_import(data=data, name="Imported again")
    assert Survey.objects.get(pk=imported.id).name == "Imported again"


@pytest.mark.django_db
def test_the_commands_export_and_import_and_refuse_with_paths(tmp_path, capsys):
    survey = full_survey()
    out = io.StringIO()
    call_command("survey_export", str(survey.id), stdout=out)
    assert out.getvalue() == export(survey.id)
    file = tmp_path / "survey.json"
    file.write_text(out.getvalue(), encoding="utf-8")

    with pytest.raises(CommandError, match=r"survey\.name: A survey named 'Delivery CSAT 送货' exists already"):
        call_command("survey_import", str(file))
    done = io.StringIO()
    call_command("survey_import", str(file), "--name", "Copy", stdout=done)
    assert done.getvalue().startswith("Imported survey ")

    bad = json.loads(out.getvalue())
    bad["questions"][0]["kind"] = "essay"
    bad["questions"][1]["key"] = ""
    file.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("survey_import", str(file), "--name", "Other")
    assert "questions[0].kind: " in str(refused.value)
    assert "questions[1].key: " in str(refused.value)
    with pytest.raises(CommandError, match="No survey has id 999999"):
        call_command("survey_export", "999999")


@pytest.mark.django_db
def test_the_admin_action_downloads_one_file_or_a_zip_of_them(admin_client):
    survey, other = full_survey(), SurveyFactory(name="Other")
    one = admin_client.post("/admin/surveys/survey/", {"action": "export_definitions", "_selected_action": [survey.id]})
    assert one["Content-Disposition"] == f'attachment; filename="survey-{survey.id}-delivery-csat.json"'
    assert one.content.decode() == export(survey.id)
    both = admin_client.post(
        "/admin/surveys/survey/", {"action": "export_definitions", "_selected_action": [survey.id, other.id]}
    )
    names = zipfile.ZipFile(io.BytesIO(both.content)).namelist()
    assert names == [f"survey-{survey.id}-delivery-csat.json", f"survey-{other.id}-other.json"]


@pytest.mark.django_db
def test_the_admin_import_page_imports_or_lists_each_problem(admin_client):
    page = admin_client.get("/admin/surveys/survey/")
    assert b"/admin/surveys/survey/import/" in page.content
    upload = io.BytesIO(json.dumps(good()).encode())
    upload.name = "survey.json"
    done = admin_client.post("/admin/surveys/survey/import/", {"file": upload, "name": ""})
    survey = Survey.objects.get(name="Imported")
    assert done.status_code == 302
    assert done["Location"] == f"/admin/surveys/survey/{survey.id}/change/"

    bad = good()
    bad["questions"][0]["shown_to"] = "happy"
    upload = io.BytesIO(json.dumps(bad).encode())
    upload.name = "survey.json"
    refused = admin_client.post(
        "/admin/surveys/survey/import/", {"file": upload, "name": "Another"}, HTTP_ACCEPT_LANGUAGE="zh-hant"
    )
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "<code>questions[0].shown_to</code>: &quot;happy&quot; 不是以下之一：null" in text  # the path as it is
    assert "檔案未匯入，未儲存任何內容" in text
    assert not Survey.objects.filter(name="Another").exists()


@pytest.mark.django_db
def test_the_api_exports_and_imports_and_refuses_with_paths(superuser_api_client):
    survey = full_survey()
    got = superuser_api_client.get(f"/api/v1/surveys/{survey.id}/definition/")
    assert got.status_code == 200
    assert got.json() == json.loads(export(survey.id))
    assert superuser_api_client.get("/api/v1/surveys/999999/definition/").status_code == 404

    bad = good()
    bad["questions"][0]["options"][0]["key"] = "x y"
    bad["version"] = "1"
    refused = superuser_api_client.post("/api/v1/surveys/definitions/", bad, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"version", "questions[0].options[0].key"}
    assert not Survey.objects.filter(name="Imported").exists()

    made = superuser_api_client.post("/api/v1/surveys/definitions/", good(), format="json")
    assert made.status_code == 201
    assert made.json()["name"] == "Imported"
    schema_file = superuser_api_client.get("/api/v1/schemas/survey-definition.v1.json")
    assert schema_file["Content-Type"] == "application/schema+json"
    assert json.loads(schema_file.content) == schema()


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("survey", "name"), "a\x00b", "NUL"),
        (("questions", 0, "text", "en"), "a\ud800", "surrogate"),
        (("questions", 0, "key"), "reason\n", "one line"),
    ],
)
def test_strings_no_column_can_hold_are_refused_at_their_path(path, value, words):
    from surveys.definition_checks import definition_problems

    data = {
        "format": "cxplatform.survey",
        "version": 1,
        "survey": {"name": "x"},
        "questions": [{"key": "k", "text": {}}],
    }
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    problems = definition_problems(data)
    expected = ".".join(str(part) for part in path).replace(".0.", "[0].")
    assert [(found.path, words in found.message) for found in problems] == [(expected, True)]
