"""`scan --format`, `--output` and the text options, through the installed command."""
from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

import jsonschema
import pytest

from conftest import FIXTURES, REPOSITORY, run_on_terminal
from fastapi_rules.atomic import write_atomically
from fastapi_rules.report.github import escape_data, escape_property
from fastapi_rules.rules import ALL_RULES, RULES_BY_CODE
from test_cli import run

SARIF_SCHEMA = REPOSITORY / "tests" / "data" / "sarif-schema-2.1.0.json"  # OASIS SARIF 2.1.0, vendored
TEXT_LINE = re.compile(r"(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<code>FAR\d{3}) (?P<message>.*)")


def text_findings(stdout: str) -> list[dict[str, object]]:
    found = []
    for line in stdout.splitlines():
        match = TEXT_LINE.fullmatch(line)
        assert match, line
        found.append({**match.groupdict(), "line": int(match["line"]), "column": int(match["column"])})
    return found


def validate_sarif(document: dict) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(document)


@pytest.fixture(scope="module")
def sample_text() -> str:
    result = run("scan", "fixtures/sample_app")
    assert result.returncode == 1
    return result.stdout


def test_json_is_the_text_findings_with_metadata(sample_text: str) -> None:
    result = run("scan", "--format", "json", "fixtures/sample_app")
    assert result.returncode == 1, result.stderr
    items = json.loads(result.stdout)
    keys = ["path", "line", "column", "code", "message"]
    assert [{k: item[k] for k in keys} for item in items] == text_findings(sample_text)
    for item in items:
        rule = RULES_BY_CODE[item["code"]]
        assert (item["name"], item["severity"]) == (rule.name, rule.severity)
        assert (item["end_line"], item["end_column"]) == (item["line"], item["column"])
        assert re.fullmatch(r"[0-9a-f]{32}", item["fingerprint"])


def test_sarif_from_the_sample_app_is_valid_and_complete(sample_text: str) -> None:
    result = run("scan", "--format", "sarif", "fixtures/sample_app")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    validate_sarif(document)
    (sarif_run,) = document["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [rule.code for rule in ALL_RULES]
    for descriptor, rule in zip(rules, ALL_RULES):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary_line()
        assert descriptor["fullDescription"]["text"]
        assert descriptor["helpUri"].endswith(f"/docs/rules/{rule.code}.md")
        assert descriptor["defaultConfiguration"]["level"] == rule.severity
    root = Path(unquote(urlparse(sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]).path))
    located = []
    for sarif_result in sarif_run["results"]:
        assert rules[sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"]
        location = sarif_result["locations"][0]["physicalLocation"]
        artifact, region = location["artifactLocation"], location["region"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith("/")
        assert (root / unquote(artifact["uri"])).is_file()
        located.append((unquote(artifact["uri"]), region["startLine"], region["startColumn"],
                        sarif_result["ruleId"], sarif_result["message"]["text"]))
    expected = [
        ((REPOSITORY / str(f["path"])).relative_to(root).as_posix(), f["line"], f["column"], f["code"], f["message"])
        for f in text_findings(sample_text)
    ]
    assert located == expected
    json_findings = json.loads(run("scan", "--format", "json", "fixtures/sample_app").stdout)
    assert [r["partialFingerprints"]["fastapiRulesFingerprint/v1"] for r in sarif_run["results"]] == [
        f"{f['fingerprint']}:1" for f in json_findings
    ]


def test_sarif_numbers_identical_violations(tmp_path: Path) -> None:
    handler = (
        "import time\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        '@router.get("/jobs")\nasync def run_jobs():\n    time.sleep(1)\n    time.sleep(1)\n'
    )
    (tmp_path / "jobs.py").write_text(handler)
    document = json.loads(run("scan", "--format", "sarif", "--select", "FAR401", ".", cwd=tmp_path).stdout)
    validate_sarif(document)
    fingerprints = [r["partialFingerprints"]["fastapiRulesFingerprint/v1"] for r in document["runs"][0]["results"]]
    (shared,) = {f.split(":")[0] for f in fingerprints}
    assert fingerprints == [f"{shared}:1", f"{shared}:2"]


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")
    result = run("scan", "--format", "sarif", ".", cwd=tmp_path)
    assert result.returncode == 0
    document = json.loads(result.stdout)
    validate_sarif(document)
    assert document["runs"][0]["results"] == []


def test_sarif_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    source = (FIXTURES / "FAR301" / "bad_example.py").read_text()
    (tmp_path / "queries.py").write_text(source)
    before = json.loads(run("scan", "--format", "sarif", ".", cwd=tmp_path).stdout)["runs"][0]["results"]
    (tmp_path / "queries.py").write_text("import os\n\n\n" + source)
    after = json.loads(run("scan", "--format", "sarif", ".", cwd=tmp_path).stdout)["runs"][0]["results"]
    assert before and [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in (before[0], after[0])]
    assert lines[1] == lines[0] + 3


def test_github_annotations(tmp_path: Path) -> None:
    project = tmp_path / "odd,dir:name"
    project.mkdir()
    shutil.copy(FIXTURES / "FAR201" / "bad_example.py", project / "items.py")
    result = run("scan", "--format", "github", "--select", "FAR201", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (line,) = result.stdout.splitlines()
    match = re.fullmatch(r"::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=(FAR\d{3})::(.*)", line)
    assert match, line
    kind, path, number, column, code, message = match.groups()
    (finding,) = text_findings(run("scan", "--select", "FAR201", ".", cwd=tmp_path).stdout)
    assert path == "odd%2Cdir%3Aname/items.py"
    assert (int(number), int(column), code, message) == (
        finding["line"], finding["column"], finding["code"], finding["message"]
    )
    assert kind == RULES_BY_CODE[code].severity


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_data("a: b, c") == "a: b, c"
    assert escape_property("a: b, c%\n") == "a%3A b%2C c%25%0A"


def test_show_source_puts_a_caret_under_the_column(tmp_path: Path) -> None:
    source = (
        "import time\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        '@router.get("/jobs")\nasync def handler():\n\tx = 1; time.sleep(1)\n'
    )
    (tmp_path / "jobs.py").write_text(source)
    plain = run("scan", "--select", "FAR401", ".", cwd=tmp_path)
    shown = run("scan", "--select", "FAR401", "--show-source", ".", cwd=tmp_path)
    assert shown.returncode == plain.returncode
    lines = shown.stdout.splitlines()
    findings = text_findings(plain.stdout)
    assert findings and len(lines) == 3 * len(findings)
    for number, finding in enumerate(findings):
        header, code_line, caret = lines[3 * number: 3 * number + 3]
        assert header == plain.stdout.splitlines()[number]
        assert code_line == source.splitlines()[finding["line"] - 1]
        assert len(caret) == finding["column"] and caret.endswith("^")
        assert caret[:-1].strip() == "" and caret[:1] == "\t"
        assert code_line[finding["column"] - 1:].startswith("time.sleep")


def test_statistics_count_each_code(sample_text: str) -> None:
    result = run("scan", "--statistics", "fixtures/sample_app")
    assert result.stdout.startswith(sample_text)
    statistics = result.stdout[len(sample_text):].splitlines()
    counted = {line.split()[1]: int(line.split()[0]) for line in statistics}
    assert counted == Counter(f["code"] for f in text_findings(sample_text))
    assert all(line.split()[2] == RULES_BY_CODE[line.split()[1]].name for line in statistics)
    as_json = run("scan", "--statistics", "--format", "json", "fixtures/sample_app")
    assert json.loads(as_json.stdout) and "\n".join(statistics) in as_json.stderr


def test_exit_zero(sample_text: str) -> None:
    result = run("scan", "--exit-zero", "fixtures/sample_app")
    assert (result.returncode, result.stdout) == (0, sample_text)
    assert run("scan", "--exit-zero", "no/such/dir").returncode == 2


def test_output_file(tmp_path: Path, sample_text: str) -> None:
    target = tmp_path / "report.txt"
    result = run("scan", "--output", str(target), "fixtures/sample_app")
    assert (result.returncode, result.stdout) == (1, "")
    assert target.read_text() == sample_text
    assert "findings in" in result.stderr


@pytest.mark.parametrize("where", ["missing-directory", "a-directory"])
def test_unwritable_output_is_a_one_line_error(tmp_path: Path, where: str) -> None:
    target = tmp_path / "no" / "such" / "report.sarif" if where == "missing-directory" else tmp_path
    result = run("scan", "--format", "sarif", "--output", str(target), "fixtures/sample_app")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "cannot write" in result.stderr, result.stderr
    assert not (tmp_path / "no").exists()


def test_unknown_format_is_a_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("previous report\n")
    result = run("scan", "--format", "xml", "--output", str(target), "fixtures/sample_app")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "fastapi-rules: error: unknown format 'xml'; expected one of text, json, sarif, github, html"
    ]
    assert target.read_text() == "previous report\n"


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(OSError):
        write_atomically(target, "new\n")
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_only_on_a_terminal_and_not_with_no_color(sample_text: str) -> None:
    coloured = run_on_terminal(["scan", "fixtures/sample_app"], REPOSITORY, {"NO_COLOR": ""})
    assert "\x1b[" in coloured
    plain = run_on_terminal(["scan", "fixtures/sample_app"], REPOSITORY, {"NO_COLOR": "1"})
    assert plain.replace("\r\n", "\n") == sample_text
    assert "\x1b[" not in sample_text  # piped: no colour


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_for_large_scans(tmp_path: Path) -> None:
    from fastapi_rules.report.progress import THRESHOLD

    for number in range(THRESHOLD + 1):
        (tmp_path / f"m{number}.py").write_text("x = 1\n")
    large = run_on_terminal(["scan", "."], tmp_path, stream="stderr")
    assert f"{THRESHOLD + 1}/{THRESHOLD + 1} files" in large
    (tmp_path / "m0.py").unlink()
    small = run_on_terminal(["scan", "."], tmp_path, stream="stderr")
    assert "files" in small and "scanning" not in small
    assert "scanning" not in run("scan", ".", cwd=tmp_path).stderr  # not a terminal
