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
