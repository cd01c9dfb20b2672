"""The notebooks as a researcher changes them: every value a parameters cell invites works
(papermill runs each notebook with a non-default value of each parameter) or is refused
at the top with the allowed values; running a notebook writes only into its output folder."""
import ast

import nbformat
import papermill
import pytest

from analysis.tutorial.notebooks import NOTEBOOKS_DIR, notebook_paths
from analysis.tutorial.parameters import RULES, ParameterError, check_parameters

SEED = "2024-04_pineau_latribune"
OTHER = "2024-03-17_altman_lexfridman419"  # a features-only English interview

#: Non-default values, chosen cheap (small bootstrap, few random starts); each notebook's
#: documents-to-study that only the seed can fill today are tested by refusal below.
NON_DEFAULT = {
    "00_start_here": {"SHOW_ALL_PACKAGES": False},
    "01_corpus": {},
    "02_term_frequencies": {"COMPUTE_TERMS": ["gpu", "calcul"], "TOP_N": 7},
    "03_themes": {"THEMES": ["compute_scarcity", "talent_war"], "N_BOOT": 200, "BOOT_SEED": 1, "K": 3,
                  "ERROR_THEME": "talent_war"},
    "04_topic_models": {"K_RANGE": [3, 5], "FULL_SWEEP": False, "RANDOM_STATES": [0, 1], "CHUNK_TOKENS": 400, "MIN_DF": 4,
                        "KIND": "lda", "N_JOBS": 1, "N_BOOT": 200},
    "05_comparisons": {"SEED": OTHER, "THEMES": ["talent_war", "open_source_risk"], "FOCUS_ORG": "OpenAI",
                       "GROUP_COLUMN": "organization", "GROUP_A": "Google DeepMind", "GROUP_B": "Anthropic",
                       "CUT_DATE": "2024-01-01", "INCLUDE_SEED_IN_GROUPS": True, "N_BOOT": 200, "RANDOM_STATE": 1,
                       "WIDTH": "one"},
    "06_figures_for_papers": {"EXPORT": ["corpus_sizes"], "PREVIEW": "corpus_sizes"},
}
#: FULL_SWEEP=True fits ten values of k: made cheaper with two random starts on larger chunks.
FULL_SWEEP = {"FULL_SWEEP": True, "RANDOM_STATES": [0, 1], "CHUNK_TOKENS": 1000, "MIN_DF": 10, "N_JOBS": 1, "N_BOOT": 100}

#: Parameters whose only allowed value in this corpus is the default, and a value refused.
REFUSED = {"01_corpus": {"SEED": OTHER}, "02_term_frequencies": {"SEED": OTHER}, "03_themes": {"SEED": OTHER},
           "04_topic_models": {"SEED_DOC": OTHER}, "05_comparisons": {"SCATTER_LANG": "fr"}}


def _parameter_names(path):
    cells = nbformat.read(path, as_version=4).cells
    cell = next(c for c in cells if "parameters" in c.metadata.get("tags", []))
    return [t.id for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)
            for target in node.targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]


@pytest.fixture(autouse=True)
def output_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "output"))
    monkeypatch.delenv("ANALYSIS_FIGURES_DIR", raising=False)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_every_parameter_is_checked_right_after_the_parameters_cell(path):
    names = _parameter_names(path)
    number = path.name[:2]
    assert set(names) == set(RULES[number]), f"{path.name}: parameters and rules differ"
    cells = nbformat.read(path, as_version=4).cells
    index = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    check = cells[index + 1].source
    assert f'check_parameters("{number}"' in check and all(f"{n}={n}" in check for n in names), path.name
    tested = set(NON_DEFAULT[path.stem]) | set(REFUSED.get(path.stem, {})) | set(FULL_SWEEP if number == "04" else {})
    assert set(names) - {"OUTDIR"} <= tested, f"{path.name}: a parameter has no non-default test"


CASES = [(path, NON_DEFAULT[path.stem]) for path in notebook_paths()] + \
    [(NOTEBOOKS_DIR / "04_topic_models.ipynb", FULL_SWEEP)]


@pytest.mark.parametrize("path, parameters", CASES,
                         ids=[p.stem + ("-full-sweep" if v is FULL_SWEEP else "") for p, v in CASES])
def test_notebook_runs_with_non_default_parameters(path, parameters, tmp_path):
    parameters = dict(parameters)
    if path.stem == "06_figures_for_papers":
        parameters["OUTDIR"] = str(tmp_path / "my_figures")
    if not parameters:
        pytest.skip(f"{path.name}: its only parameter accepts only the default in this corpus (refusal tested)")
    out = tmp_path / path.name
    papermill.execute_notebook(str(path), str(out), parameters=parameters, cwd=str(NOTEBOOKS_DIR),
                               kernel_name="python3", progress_bar=False, log_output=False)
    executed = nbformat.read(out, as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert all(name in injected.source for name in parameters)
    if path.stem == "06_figures_for_papers":
        assert (tmp_path / "my_figures" / "corpus_sizes.pdf").exists()
    if path.stem == "05_comparisons":  # the parameter took effect: the forest is exported at one-column width
        assert (tmp_path / "output" / "figures" / "theme_forest_1col.pdf").exists()


def test_a_value_the_notebook_cannot_use_is_refused_at_the_top_with_the_allowed_values(tmp_path):
    path = NOTEBOOKS_DIR / "01_corpus.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as error:
        papermill.execute_notebook(str(path), str(tmp_path / "out.ipynb"), parameters={"SEED": OTHER},
                                   cwd=str(NOTEBOOKS_DIR), kernel_name="python3", progress_bar=False)
    assert error.value.ename == "ParameterError" and SEED in error.value.evalue
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    failed = [i for i, c in enumerate(executed.cells) if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert executed.cells[failed[0]].id == "parameters-check"


@pytest.mark.parametrize("stem", sorted(REFUSED))
def test_refused_values_name_the_parameter_and_what_is_allowed(stem):
    number = stem[:2]
    with pytest.raises(ParameterError) as error:
        check_parameters(number, **REFUSED[stem])
    name = next(iter(REFUSED[stem]))
    assert f"{name} = " in str(error.value) and "use " in str(error.value)


def test_a_cut_date_inside_an_imprecise_date_is_refused():
    with pytest.raises(ParameterError, match="CUT_DATE"):
        check_parameters("05", CUT_DATE="2022-07-15")  # 2022-07 is known to the month only
    with pytest.raises(ParameterError, match="GROUP_B"):
        check_parameters("05", GROUP_COLUMN="organization", GROUP_A="Meta", GROUP_B="Nobody")
    check_parameters("05", CUT_DATE="2022-11-30", GROUP_COLUMN="format", GROUP_A="podcast", GROUP_B="print")
