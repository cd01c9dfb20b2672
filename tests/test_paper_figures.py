"""`make figures` on an unchanged corpus rewrites identical bytes; every caption states its inference."""
import json
import re

from analysis.compare.comparisons import _DATA_CACHE
from analysis.core.paths import PROJECT_ROOT
from analysis.figures.paper import FIGURES, export_all


def test_two_exports_of_the_figure_set_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_DISK_CACHE", "0")   # both exports draw and render (no rendered figure read back)
    first, second = tmp_path / "a", tmp_path / "b"
    # quick ones; the full set runs in make run. term_scatter_1col adds computed label
    # placement and the comparisons' bootstrap and log-odds.
    names = ["seed_turn_lengths", "seed_top_lemmas", "term_scatter_1col"]
    paths_a = export_all(names, outdir=first)
    _DATA_CACHE.clear()   # recompute the comparison data instead of reusing the first run's
    export_all(names, outdir=second)
    assert len(paths_a) == 4 * len(names)
    for path in paths_a:
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    assert (first / "README.md").read_bytes() == (second / "README.md").read_bytes()


def test_a_figure_read_back_from_the_disk_cache_is_written_with_the_same_bytes(tmp_path, monkeypatch):
    """The second export of a figure writes what the first rendered, without building it again."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ANALYSIS_DISK_CACHE", raising=False)
    name = "seed_turn_lengths"
    first = export_all([name], outdir=tmp_path / "a")

    def not_again():
        raise AssertionError("built again instead of read from the disk cache")
    monkeypatch.setitem(FIGURES, name, not_again)
    second = export_all([name], outdir=tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_committed_figure_set_is_exactly_the_registered_one():
    """figures/ holds the paper set and nothing else: one sidecar per builder, no strays."""
    committed = {path.stem for path in (PROJECT_ROOT / "figures").glob("*.json")}
    assert committed == set(FIGURES), (f"not exported: {sorted(set(FIGURES) - committed)}; "
                                       f"not a paper figure: {sorted(committed - set(FIGURES))}")


COMPARISONS = re.compile(r"no comparison tested|no difference is tested|\d+ (themes|concepts|lemmas) tested|"
                         r"\d+ values of k compared|not a test", re.IGNORECASE)
INTERVALS = re.compile(r"no interval|bootstrap|negative-binomial|Wilson|Poisson|standard deviation", re.IGNORECASE)


def test_every_committed_caption_says_how_many_comparisons_and_which_interval():
    missing = {}
    for path in sorted((PROJECT_ROOT / "figures").glob("*.json")):
        caption = json.loads(path.read_text(encoding="utf-8"))["caption"]
        lacks = [what for what, pattern in (("comparisons", COMPARISONS), ("interval", INTERVALS))
                 if not pattern.search(caption)]
        if lacks:
            missing[path.stem] = lacks
        assert "2,000 resamples" not in caption or "bootstrap" in caption, path.stem
    assert not missing, f"captions that do not state their inference: {missing}"
