"""`.ci/audit` (make audit): what it makes of pip-audit's answers, with a stand-in for pip-audit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

AUDIT = Path(__file__).resolve().parents[1] / ".ci" / "audit"


def _run(tmp_path: Path, stdout: str, stderr: str = "", code: int = 0, required: bool = False):
    fake = tmp_path / "pip-audit"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({stdout!r})\nsys.stderr.write({stderr!r})\n"
                    f"sys.exit({code})\n")  # fmt: skip
    fake.chmod(0o755)
    env = {"PIP_AUDIT": str(fake), "PATH": "/usr/bin:/bin", **({"CONSULT_AUDIT_REQUIRED": "1"} if required else {})}
    return subprocess.run([sys.executable, str(AUDIT)], capture_output=True, text=True, env=env, timeout=60)


def test_a_known_vulnerability_fails_the_build_and_names_the_fix(tmp_path):
    report = {"dependencies": [
        {"name": "flask", "version": "3.1.0", "vulns": []},
        {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]},
    ]}  # fmt: skip
    result = _run(tmp_path, json.dumps(report), code=1)
    assert result.returncode == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in: 3.1.3)" in result.stdout
    assert "2 installed packages, 1 known vulnerabilities" in result.stdout


def test_a_clean_report_passes(tmp_path):
    result = _run(tmp_path, json.dumps({"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": []}]}))
    assert result.returncode == 0
    assert "1 installed packages, 0 known vulnerabilities" in result.stdout


@pytest.mark.parametrize("required", [False, True])
def test_an_unreachable_advisory_database_is_reported_never_passed_off_as_clean(tmp_path, required):
    error = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443)"
    result = _run(tmp_path, "", stderr=error, code=1, required=required)
    assert "NOTHING WAS AUDITED" in result.stdout
    assert "0 known vulnerabilities" not in result.stdout
    assert result.returncode == (1 if required else 0)


def _offline(tmp_path: Path, records: list[dict]):
    mirror = tmp_path / "osv"
    mirror.mkdir()
    for n, record in enumerate(records):
        (mirror / f"PYSEC-{n}.json").write_text(json.dumps(record))
    env = {"CONSULT_AUDIT_DB": str(mirror), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(AUDIT)], capture_output=True, text=True, env=env, timeout=120)


def _advisory(ident: str, package: str, events: list[dict]) -> dict:
    return {"id": ident, "affected": [{"package": {"ecosystem": "PyPI", "name": package},
                                       "ranges": [{"type": "ECOSYSTEM", "events": events}]}]}  # fmt: skip


def test_an_advisory_database_mirrored_on_disk_audits_without_a_network(tmp_path):
    from importlib.metadata import version

    flask = version("flask")
    result = _offline(tmp_path, [
        _advisory("PYSEC-TEST-1", "Flask", [{"introduced": "0"}, {"fixed": "999.0"}]),
        _advisory("PYSEC-TEST-2", "Werkzeug", [{"introduced": "0"}, {"fixed": "0.1"}]),
    ])  # fmt: skip
    assert result.returncode == 1
    assert f"flask {flask}: PYSEC-TEST-1 (fixed in: 999.0)" in result.stdout
    assert "PYSEC-TEST-2" not in result.stdout
    assert f"flask {flask}" in result.stdout.split("audited: ")[1]


def test_a_clean_mirror_passes_and_names_what_was_audited(tmp_path):
    result = _offline(tmp_path, [_advisory("PYSEC-TEST-3", "flask", [{"introduced": "0"}, {"fixed": "0.1"}])])
    assert result.returncode == 0, result.stdout
    assert "0 known vulnerabilities" in result.stdout
    assert "sqlalchemy" in result.stdout.split("audited: ")[1].lower()


def test_an_empty_or_missing_mirror_audits_nothing_and_says_so(tmp_path):
    assert _offline(tmp_path, []).returncode == 1
    missing = subprocess.run([sys.executable, str(AUDIT)], capture_output=True, text=True, timeout=60,
                             env={"CONSULT_AUDIT_DB": str(tmp_path / "none"), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert "NOTHING WAS AUDITED" in missing.stdout and missing.returncode == 1
