"""The set-up files agree with each other and the seed is as received."""
import re
import tomllib

from analysis.core.paths import PROJECT_ROOT
from analysis.core.textio import sha256_file

SEED_SHA256 = "6d6e2dcc976e072b6ea395861c3887c6d9fc928dbef6c3bf2089d47332a96a64"


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _environment_packages() -> dict[str, str]:
    packages = {}
    text = (PROJECT_ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        item = re.match(r"^\s+- ([^#:]+?)\s*$", line)
        if item:
            name, spec = _name_and_spec(item.group(1))
            if name not in ("python", "pip"):
                packages[name] = spec
    return packages


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    declared = dict(_name_and_spec(r) for r in project["dependencies"])
    assert _environment_packages() == declared


def test_seed_is_byte_identical_to_the_seed_as_received():
    assert sha256_file(PROJECT_ROOT / "seeds" / "000_f7e0c75ec0433191.txt") == SEED_SHA256


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make test" in readme
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()
