"""A real browser (Debian's Chromium through Playwright) against the app served on loopback.

Locally these tests skip with a reason when Chromium, Playwright or axe-core is missing;
under CI=true a missing piece is an error, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from consult import create_app
from consult.extensions import db

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true; .ci/run installs it)")
    pytest.skip(reason)


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def _axe_script() -> Path | None:
    candidates = [os.environ.get("AXE_CORE_JS"), PROJECT / "node_modules/axe-core/axe.min.js"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed")
    executable = _chromium()
    if executable is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    script = _axe_script()
    if script is None:
        _missing("axe-core is not installed (npm install axe-core; or set AXE_CORE_JS)")
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The demo, migrated and seeded on its own SQLite file, served by a real HTTP server."""
    from flask_migrate import upgrade

    from consult.demo import seed_demo

    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": f"sqlite:///{folder / 'live.db'}",
            "SECRET_KEY": "browser-tests",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "DEMO_LOGINS_FILE": str(folder / "logins.txt"),
        }
    )
    with app.app_context():
        upgrade()
        result = seed_demo()
        db.session.commit()
    app.demo_logins = {role: (name, password) for name, role, password in result.logins}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()


@pytest.fixture
def page(browser, live_app):
    # bypass_csp only lets the test inject axe-core; the app's own policy stays as served.
    context = browser.new_context(base_url=live_app.base_url, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, live_app, role: str) -> None:
    name, password = live_app.demo_logins[role]
    page.goto("/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def choose_language(page, code: str) -> None:
    with page.expect_navigation():
        page.click(f"form.languages button[value={code}]")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
