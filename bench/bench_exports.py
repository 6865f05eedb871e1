"""Export time of the input document (DOCX, PDF, Markdown) and open data with a 10,000-response annex.

    .venv/bin/python bench/bench_exports.py [--responses 10000] [--languages en ar] [--runs 2] [--formats ...]
                                            [--synthetic-vectors] [--workdir DIR] [--keep DIR]

Uses the database bench_summaries.py builds for the same size (real Pol.is statements, recombined;
built and vectorised here if missing; --synthetic-vectors stores seeded random vectors instead of
encoding, which changes the themes but not the document's size), generates and publishes a summary,
then renders each format in each language ``--runs`` times and prints the best time against issue 13's
targets (DOCX < 5 s, PDF < 30 s, Markdown < 1 s), the size and the pages of the PDF. Figures, not a
timed test: on a shared machine, compare the rows of one run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_summaries import _config, build, synthetic_vectors, vectorise

TARGETS = {"docx": 5.0, "pdf": 30.0, "md": 1.0}  # seconds, issue 13
PAGES = re.compile(r"^Pages:\s+(\d+)", re.MULTILINE)


def _pdf_pages(content: bytes) -> str:
    """The page count, from poppler's pdfinfo when it is installed."""
    pdfinfo = shutil.which("pdfinfo")
    if not pdfinfo:
        return "?"
    info = subprocess.run([pdfinfo, "-"], input=content, capture_output=True, check=False).stdout.decode()
    match = PAGES.search(info)
    return match.group(1) if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "consult-bench-summaries")
    parser.add_argument("--keep", type=Path, default=None, help="Write the documents into this folder.")
    parser.add_argument("--languages", nargs="+", default=["en", "ar"])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--formats", nargs="+", default=["docx", "pdf", "md", "csv", "json"])
    parser.add_argument("--synthetic-vectors", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"summaries-{args.responses}.db"
    build(path, args.responses)
    done, seconds = synthetic_vectors(path) if args.synthetic_vectors else vectorise(path)
    if done:
        print(f"vectorised {done} responses once ({seconds:.1f} s)")

    from consult import create_app
    from consult.extensions import db
    from consult.models import Role, User
    from consult.summaries.documents import render_data, render_document
    from consult.summaries.generation import generate_summary
    from consult.summaries.reading import summary_view
    from consult.summaries.versions import consultation_by_slug, publish_summary

    # Not rendered ahead: publishing would otherwise render every document (in-process, in testing) untimed.
    app = create_app({**_config(f"sqlite:///{path}"), "DOCUMENTS_AHEAD": False})
    with app.app_context(), app.test_request_context():
        consultation = consultation_by_slug("bench")
        secretariat = db.session.query(User).filter_by(pseudonym="Bench Secretariat").first()
        if secretariat is None:
            secretariat = User(pseudonym="Bench Secretariat", pseudonym_key="bench secretariat",
                               role=Role.SECRETARIAT)  # fmt: skip
            db.session.add(secretariat)
        summary = publish_summary(generate_summary(consultation, secretariat), secretariat)
        db.session.commit()
        started = time.perf_counter()
        view = summary_view(summary, with_annex=True)
        print(f"summary version {summary.version}: {len(view.annex):,} responses in the annex "
              f"(read in {time.perf_counter() - started:.2f} s)")  # fmt: skip
        # CPU time beside wall time: on a shared machine the wall time counts the others' work too.
        print(f"{'format':<8} {'lang':<5} {'time':>8} {'target':>8} {'size':>12} {'cpu':>8}")
        for file_format in args.formats:
            for language in args.languages if file_format in TARGETS else ["-"]:
                best, cpu, content = float("inf"), float("inf"), b""
                for _ in range(args.runs):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    if file_format in ("csv", "json"):
                        content = render_data(consultation, file_format)
                    else:
                        content = render_document(view, file_format, language)
                    best = min(best, time.perf_counter() - started)
                    cpu = min(cpu, time.process_time() - cpu_started)
                target = TARGETS.get(file_format)
                verdict = "" if target is None else f"< {target:g} s" + (" ok" if best < target else " MISSED")
                extra = f"  {_pdf_pages(content)} pages" if file_format == "pdf" else ""
                size = f"{len(content):>12,}"
                row = f"{file_format:<8} {language:<5} {best:>6.2f} s {verdict:>11} {size} {cpu:>6.2f} s{extra}"
                print(row, flush=True)
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"bench-summary-{language}.{file_format}").write_bytes(content)


if __name__ == "__main__":
    main()
