"""The package's architecture: layers and no cycles (import-linter), imports at module level."""
import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.core.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "analysis"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """Run import-linter with the project's contracts on the package found under ``package_parent``."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT_IMPORTS), str(PROJECT_ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=package_parent, env=env, capture_output=True, text=True, timeout=300)


def test_layers_and_no_cycles_hold():
    result = lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, line, expected", [
    # an upward import: the corpus stage reaching up into the figures
    ("corpus/load.py", "from analysis.figures import export  # noqa", "analysis.corpus.load -> analysis.figures.export"),
    # a cycle between two siblings of one stage
    ("models/topics.py", "from analysis.models import topic_results  # noqa", ".topics -> .topic_results"),
])
def test_a_violation_fails_naming_the_import(tmp_path, module, line, expected):
    copy = tmp_path / "analysis"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    source = target.read_text(encoding="utf-8")
    anchor = "from __future__ import annotations\n"
    target.write_text(source.replace(anchor, anchor + line + "\n", 1), encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and expected in result.stdout, result.stdout


def _function_level_imports(path: Path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                here = lines[node.lineno - 1]
                first = node.lineno - 1  # the comment may stand above a block of imports
                while first > 0 and lines[first - 1].strip().startswith(("from ", "import ")):
                    first -= 1
                above = lines[first - 1].strip() if first > 0 else ""
                if "#" not in here and not above.startswith("#"):
                    yield f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: {here.strip()}"


def test_function_level_imports_say_why():
    """Imports belong at module level; one inside a function carries a comment with its reason."""
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _function_level_imports(path)]
    assert not found, "function-level imports without a comment:\n" + "\n".join(found)
