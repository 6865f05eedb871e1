"""Bytes of the consultation page (HTML, and the CSS and JS it links), for a reader and a signed-in participant.

    CHROMIUM_PATH=/usr/bin/chromium .venv/bin/python bench/bench_page_weight.py [--languages en ar]

Seeds the demo in a temporary SQLite file, serves it on loopback, signs in as the demo participant where
asked, and prints the decoded bytes of each part (what a first visit downloads before compression). Run it
from two checkouts to compare a change: the figures do not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
from collections import Counter
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from consult import create_app
from consult.demo import OPEN_SLUG, seed_demo
from consult.extensions import db

ASSETS = "[...document.querySelectorAll('link[rel=stylesheet], script[src]')].map(e => e.href || e.src)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", nargs="+", default=["en", "ar"])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{folder / 'weight.db'}", "SECRET_KEY": "weight",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8,
                      "DEMO_LOGINS_FILE": str(folder / "logins.txt")})  # fmt: skip
    with app.app_context():
        upgrade()
        logins = {role: (name, password) for name, role, password in seed_demo().logins}
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
        for who in ("reader", "participant"):
            for language in args.languages:
                context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}")
                page = context.new_page()
                if who == "participant":
                    name, password = logins["participant"]
                    page.goto("/login")
                    page.fill("input[name=username]", name)
                    page.fill("input[name=password]", password)
                    with page.expect_navigation():
                        page.click("main button[type=submit]")
                page.goto("/")
                with page.expect_navigation():
                    page.click(f"form.languages button[value={language}]")
                page.goto(f"/consultations/{OPEN_SLUG}")
                weights = Counter(html=len(page.request.get(page.url).body()))
                for url in page.evaluate(ASSETS):
                    weights["css" if url.endswith(".css") else "js"] += len(page.request.get(url).body())
                print(f"{who:11} {language}: {sum(weights.values()):6d} bytes  {dict(weights)}")
                context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
