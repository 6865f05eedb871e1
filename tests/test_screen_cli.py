"""``flask screen [FILE]``: JSON lines in, one screening result per line out."""

from __future__ import annotations

import json

from click.testing import CliRunner
from flask import Flask

from consult.moderation.cli import register, screen_command
from consult.moderation.screening import REDACTION_MARKER, models
from consult.moderation.screening.classifier import shipped


def run(stdin: bytes | str, *args: str):
    return CliRunner().invoke(screen_command, list(args), input=stdin)


def lines_of(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_each_input_line_gives_one_result_line():
    stdin = "\n".join(
        [
            json.dumps({"text": "Je m'appelle Léa, écris-moi à lea@orange.fr", "lang": "fr"}),
            json.dumps({"text": "Apps should be private by default."}),
            json.dumps({"text": "i want to die", "lang": None}),
        ]
    )
    result = run(stdin)

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    first, second, third = lines_of(result.stdout)
    for line in (first, second, third):  # the classifier layer's verdict, beside the lexicons'
        assert line.pop("model") == models(shipped())
        assert isinstance(line.pop("watch"), bool)  # a possible disclosure below the flag, for moderators alone
        assert {head: 0 <= score <= 1 for head, score in line.pop("scores").items()} == {
            "abuse": True,
            "safeguarding": True,
        }
    # The classifier's flag is chosen recall first, and "write to me at ..." may cross it: not this test's point.
    assert first.pop("flags")[0] == "pii"
    assert first == {
        "pii": [
            {"kind": "name", "start": 13, "end": 16, "text": "Léa"},
            {"kind": "email", "start": 30, "end": 43, "text": "lea@orange.fr"},
        ],
        "redacted": f"Je m'appelle {REDACTION_MARKER}, écris-moi à {REDACTION_MARKER}",
    }
    assert second == {"pii": [], "redacted": "Apps should be private by default.", "flags": []}
    assert third["flags"] == ["safeguarding"]


def test_output_keeps_every_script_as_written():
    result = run(json.dumps({"text": "我叫李明，电话13800138000", "lang": "zh"}) + "\n")
    assert result.exit_code == 0
    assert "我叫" in result.stdout  # not \u6211\u53eb
    assert [span["text"] for span in lines_of(result.stdout)[0]["pii"]] == ["李明", "13800138000"]


def test_bad_lines_are_reported_with_their_number_and_the_others_still_screened():
    stdin = b"\n".join(
        [
            json.dumps({"text": "call me on 07700 900123"}).encode(),
            b"{not json",
            b'["a list"]',
            b'{"lang": "en"}',
            b'{"text": 42}',
            b'{"text": "hello", "lang": 7}',
            b'{"text": "caf\xe9"}',
            json.dumps({"text": "my insta is danny.k.2008"}).encode(),
        ]
    )
    result = run(stdin)

    assert result.exit_code == 1
    # (the classifier may add a safeguarding flag to a short line of contact details: not this test's point)
    assert ["pii" in line["flags"] for line in lines_of(result.stdout)] == [True, True]
    errors = result.stderr.splitlines()
    assert [error.split(":")[0] for error in errors[:-1]] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert "not JSON" in errors[0]
    assert "expected an object" in errors[1]
    assert '"text" is missing' in errors[2]
    assert '"text" is missing or not a string' in errors[3]
    assert '"lang" must be a string' in errors[4]
    assert "not UTF-8" in errors[5]
    assert errors[-1] == "6 lines could not be screened"


def test_blank_lines_and_a_byte_order_mark_are_not_errors():
    stdin = "\ufeff" + json.dumps({"text": "hello"}) + "\n\n   \n" + json.dumps({"text": "bye"}) + "\n"
    result = run(stdin.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert len(lines_of(result.stdout)) == 2


def test_reads_a_file_given_as_argument(tmp_path):
    source = tmp_path / "responses.jsonl"
    source.write_text(json.dumps({"text": "see www.example.com", "lang": "en"}) + "\n", encoding="utf-8")
    result = run("", str(source))
    assert result.exit_code == 0
    assert lines_of(result.stdout)[0]["pii"][0]["kind"] == "url"


def test_a_missing_file_is_a_usage_error(tmp_path):
    result = run("", str(tmp_path / "nowhere.jsonl"))
    assert result.exit_code == 2
    assert "nowhere.jsonl" in result.stderr


def test_registered_on_a_flask_app_as_flask_screen(tmp_path):
    app = Flask(__name__)
    register(app)
    source = tmp_path / "responses.jsonl"
    source.write_text(json.dumps({"text": "меня зовут Маша"}, ensure_ascii=False) + "\n", encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["screen", str(source)])

    assert result.exit_code == 0, result.output
    [line] = lines_of(result.stdout)
    assert line["pii"] == [{"kind": "name", "start": 11, "end": 15, "text": "Маша"}]
    assert line["redacted"] == f"меня зовут {REDACTION_MARKER}"
    assert line["flags"] == ["pii"]
