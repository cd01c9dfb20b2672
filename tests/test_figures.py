"""Tests for analysis.figures: palette, sizes, byte-identical exports, sidecars, index."""
import hashlib
import json
import struct

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis.figures import export as F  # noqa: E402
from analysis.core.textio import InputError  # noqa: E402

OKABE_ITO_HEX = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


@pytest.fixture(autouse=True)
def small_corpus(tmp_path_factory, monkeypatch):
    """A tiny corpus so provenance does not depend on the repository's corpus/."""
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "catalog.csv").write_bytes(b"id\nseed\n")
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(corpus))
    yield corpus
    plt.close("all")


def make_figure(y=(1, 4, 2)):
    fig, ax = F.new_figure("one")
    ax.plot([1, 2, 3], list(y), **F.theme_style("compute_scarcity"), label="Raréfaction du calcul")
    ax.set_xlabel("Tokens")
    ax.legend()
    return fig


def export(outdir, fig=None, **kw):
    kw.setdefault("caption", "A test figure.")
    kw.setdefault("provenance", {"command": "pytest"})
    return F.export_figure(fig or make_figure(), "demo", outdir=outdir, **kw)


def png_dpi(data: bytes) -> float:
    """Read the PNG pHYs chunk (pixels per metre, unit 1) and return dots per inch."""
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs":
            x, y, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            assert unit == 1 and x == y
            return x * 0.0254
        pos += 12 + length
    raise AssertionError("no pHYs chunk")


# --- palette and styles ---------------------------------------------------------------

def test_theme_colours_are_okabe_ito_and_distinct():
    assert set(F.OKABE_ITO.values()) == OKABE_ITO_HEX
    colours = list(F.THEME_COLOURS.values())
    assert set(colours) <= OKABE_ITO_HEX
    assert len(set(colours)) == len(colours)
    from analysis.core.paths import PROJECT_ROOT
    from analysis.text.themes import load_dictionary
    corpus = PROJECT_ROOT / "corpus"
    themes = load_dictionary(corpus / "themes" / "dictionary.csv", phrases_path=corpus / "phrases.csv")["theme"]
    assert set(F.THEME_COLOURS) == set(themes), "every theme needs its fixed colour"
    assert set(F.ORG_COLOURS.values()) <= OKABE_ITO_HEX
    assert set(F.FALLBACK_COLOURS) <= OKABE_ITO_HEX
    assert F.HIGHLIGHT_COLOUR in OKABE_ITO_HEX


def test_styles_distinct_in_grayscale():
    """Within themes and within organizations, marker and line style alone tell them apart."""
    for table in (F.THEME_COLOURS, F.ORG_COLOURS):
        styles = [F.theme_style(name) for name in table]
        assert len({s["marker"] for s in styles}) == len(table)
        assert len({str(s["linestyle"]) for s in styles}) == len(table)
    assert F.theme_style("Meta")["color"] == "#0072B2"
    assert F.theme_style("talent_war") == {"color": "#E69F00", "marker": "D", "linestyle": ":"}


def test_fallback_is_deterministic_by_name():
    a = F.theme_style("xAI")
    assert a == F.theme_style("xAI")
    assert a["color"] in OKABE_ITO_HEX and a["marker"] in F.MARKERS
    # Pinned: sha256-based, so the same in every process (Python's hash() is salted).
    index = int(hashlib.sha256(b"xAI").hexdigest(), 16) % 8
    assert a["color"] == list(F.OKABE_ITO.values())[index]
    with pytest.raises(ValueError):
        F.theme_style("")


# --- sizes and style ---------------------------------------------------------------------

def test_new_figure_journal_sizes_and_no_global_leak():
    before = dict(plt.rcParams)
    fig, ax = F.new_figure("one")
    assert fig.get_size_inches() == pytest.approx((89 / 25.4, 89 / 25.4 * 0.62))
    assert ax.xaxis.label.get_fontsize() == 7
    fig2, axes = F.new_figure("two", aspect=0.4, nrows=1, ncols=2)
    assert fig2.get_size_inches() == pytest.approx((183 / 25.4, 183 / 25.4 * 0.4))
    assert axes.shape == (2,)
    assert dict(plt.rcParams) == before


@pytest.mark.parametrize("kw", [{"width": "three"}, {"width": 89}, {"aspect": 0}, {"aspect": "wide"},
                                {"figsize": (3, 2)}])
def test_new_figure_rejects_bad_input(kw):
    with pytest.raises(ValueError, match="width|aspect|figsize"):
        F.new_figure(**kw)


def test_unknown_width_names_allowed_values():
    with pytest.raises(ValueError, match="'one'.*'two'"):
        F.new_figure("three")


# --- export --------------------------------------------------------------------------------

def test_exports_are_byte_identical_and_change_with_figure(tmp_path):
    first = export(tmp_path / "a")
    second = export(tmp_path / "b")
    changed = export(tmp_path / "c", fig=make_figure(y=(1, 4, 3)))
    assert [p.name for p in first] == ["demo.pdf", "demo.svg", "demo.png", "demo.json"]
    for p, q, r in zip(first, second, changed):
        assert p.read_bytes() == q.read_bytes(), p.name
        assert p.read_bytes() != r.read_bytes(), p.name  # the sidecar holds the files' sha256
    assert (tmp_path / "a" / "README.md").read_bytes() == (tmp_path / "b" / "README.md").read_bytes()


def test_svg_bytes_ignore_float_noise_in_the_layout(tmp_path):
    # a last-bit difference in an axes' position (as between two machines' float arithmetic)
    # changes matplotlib's hashed clip-path ids but nothing the file prints: same bytes
    def nudged(eps):
        fig = make_figure()
        x0, y0, w, h = fig.axes[0].get_position().bounds
        fig.set_layout_engine("none")
        fig.axes[0].set_position([x0 + eps, y0, w, h])
        return fig
    plain = export(tmp_path / "a", fig=nudged(0.0))[1].read_bytes()
    noisy = export(tmp_path / "b", fig=nudged(1e-13))[1].read_bytes()
    assert plain == noisy
    assert b'clip-path="url(#p0001)"' in plain and b'<clipPath id="p0001">' in plain


def test_stable_svg_ids_renames_definitions_and_references_only():
    svg = (b'<g clip-path="url(#pb2e950bc7b)"/><use xlink:href="#m0123456789"/>'
           b'<path d="M 0 0" style="fill: #999999"/><text>deadbeef00</text>'
           b'<clipPath id="pb2e950bc7b"/><path id="m0123456789"/>')
    out = F.stable_svg_ids(svg)
    assert out == (b'<g clip-path="url(#p0001)"/><use xlink:href="#m0001"/>'
                   b'<path d="M 0 0" style="fill: #999999"/><text>deadbeef00</text>'
                   b'<clipPath id="p0001"/><path id="m0001"/>')
    assert F.stable_svg_ids(b"<svg/>") == b"<svg/>"


def test_pdf_embeds_truetype_and_has_no_dates(tmp_path):
    pdf = export(tmp_path, formats=("pdf",))[0].read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # TrueType font program embedded (matplotlib: Type0/CIDFontType2)
    assert b"/CIDFontType2" in pdf or b"/Subtype /TrueType" in pdf
    assert b"/Type3" not in pdf
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf


def test_svg_has_no_date_and_text_as_paths(tmp_path):
    svg = export(tmp_path, formats="svg")[0].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "<text" not in svg  # svg.fonttype 'path': renders without the font installed


def test_png_is_300_dpi_at_journal_width(tmp_path):
    png = export(tmp_path, formats=["png"])[0].read_bytes()
    assert png_dpi(png) == pytest.approx(300, abs=0.1)
    width, height = struct.unpack(">II", png[16:24])  # IHDR
    assert width == round(89 / 25.4 * 300)
    assert b"Software" not in png


def test_sidecar_contents(tmp_path, small_corpus):
    paths = export(tmp_path, caption="  Theme rates per 1,000 tokens. ",
                   provenance={"notebook": "notebooks/06_figures_for_papers.ipynb"})
    meta = json.loads(paths[-1].read_text(encoding="utf-8"))
    assert meta["caption"] == "Theme rates per 1,000 tokens."
    assert meta["name"] == "demo" and meta["dpi"] == 300
    assert meta["size_mm"] == {"width": 89.0, "height": 55.2}
    prov = meta["provenance"]
    assert prov["notebook"] == "notebooks/06_figures_for_papers.ipynb"
    assert prov["corpus_version"] == F.corpus_version(small_corpus)
    assert prov["matplotlib_version"] == matplotlib.__version__
    assert prov["analysis_version"] and prov["command"] is None
    for fmt, entry in meta["files"].items():
        assert hashlib.sha256((tmp_path / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
    text = paths[-1].read_text(encoding="utf-8")
    assert text == json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_failing_savefig_leaves_no_files(tmp_path):
    fig = make_figure()
    real = fig.savefig

    def savefig(buffer, format, **kw):
        if format == "png":
            raise RuntimeError("renderer crashed")
        return real(buffer, format=format, **kw)

    fig.savefig = savefig
    with pytest.raises(RuntimeError):
        export(tmp_path, fig=fig)
    assert list(tmp_path.iterdir()) == []


def test_failing_rename_leaves_no_temp_files(tmp_path, monkeypatch):
    import analysis.core.textio as textio

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(textio.os, "replace", broken_replace)
    with pytest.raises(OSError):
        export(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kw, match", [
    ({"name": ""}, "non-empty"),
    ({"name": "a/b"}, "separator"),
    ({"name": "a\\b"}, "separator"),
    ({"name": "../x"}, "separator"),
    ({"formats": ("jpg",)}, "allowed are \\['pdf', 'svg', 'png'\\]"),
    ({"formats": ()}, "allowed are"),
    ({"caption": ""}, "caption"),
    ({"provenance": "pytest"}, "provenance"),
    ({"provenance": {"command": object()}}, "JSON"),
])
def test_export_rejects_bad_input_and_writes_nothing(tmp_path, kw, match):
    args = {"name": "demo", "caption": "A test figure.", "outdir": tmp_path, **kw}
    with pytest.raises(ValueError, match=match):
        F.export_figure(make_figure(), **args)
    assert list(tmp_path.iterdir()) == []


# --- corpus version and index ---------------------------------------------------------------

def test_corpus_version(tmp_path):
    root = tmp_path / "c"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"x")
    inner = hashlib.sha256(b"x").hexdigest().encode()
    expected = hashlib.sha256(b"a.txt\0" + inner + b"\n").hexdigest()[:12]
    assert F.corpus_version(root) == expected
    (root / ".hidden").write_bytes(b"ignored")
    (root / "sub" / ".DS_Store").write_bytes(b"ignored")
    assert F.corpus_version(root) == expected
    (root / "a.txt").write_bytes(b"y")
    assert F.corpus_version(root) != expected
    (root / "a.txt").write_bytes(b"x")
    (root / "a.txt").rename(root / "sub" / "a.txt")
    assert F.corpus_version(root) != expected
    with pytest.raises(InputError):
        F.corpus_version(tmp_path / "missing")


def test_figure_index(tmp_path):
    F.export_figure(make_figure(), "zeta", caption="Last figure.", outdir=tmp_path, formats=("pdf",),
                    provenance={"command": "make figures"})
    F.export_figure(make_figure(), "alpha", caption="First figure.", outdir=tmp_path)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert readme.index("## alpha") < readme.index("## zeta")
    assert "![alpha](alpha.png)" in readme and "![zeta]" not in readme
    assert "First figure." in readme and "[PDF](zeta.pdf)" in readme and "[SVG](zeta.svg)" not in readme
    assert "command: `make figures`" in readme
    before = (tmp_path / "README.md").read_bytes()
    F.write_figure_index(tmp_path)
    assert (tmp_path / "README.md").read_bytes() == before
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="notes.json"):
        F.write_figure_index(tmp_path)


def test_rate_intervals_names_the_interval_method_actually_used():
    import numpy as np
    import pandas as pd

    from analysis.figures.theme_plots import RATE_CAP, interval_methods, rate_intervals
    from analysis.stats.bootstrap import bootstrap_table

    rng = np.random.default_rng(0)
    few = pd.DataFrame({"doc_id": "seed", "n_tokens": [100.0] * 6, "compute_scarcity": [0, 3, 0, 0, 1, 0],
                        "talent_war": [0, 0, 1, 0, 0, 0]})
    rates = bootstrap_table(few, group="doc_id", value_cols=["compute_scarcity", "talent_war"], token_col="n_tokens",
                            kappa={"compute_scarcity": 0.3, "talent_war": 0.05}).rename(columns={"feature": "theme"})
    assert rates["hi"].max() > RATE_CAP                           # strong bunching: an upper bound off the axis
    fig, ax = rate_intervals(rates)
    assert "negative-binomial exact" in ax.get_xlabel() and "resamples" not in ax.get_title(loc="left")
    assert ax.get_xlim()[1] <= RATE_CAP * 1.12
    assert any(t.get_text().startswith("to ") for t in ax.texts)   # the clipped bound is written
    long = pd.DataFrame({"doc_id": "d", "n_tokens": rng.integers(50, 150, 60).astype(float),
                         "compute_scarcity": rng.poisson(1, 60)})
    boot = bootstrap_table(long, group="doc_id", value_cols=["compute_scarcity"], token_col="n_tokens",
                           n_boot=300).rename(columns={"feature": "theme"})
    fig, ax = rate_intervals(boot)
    assert interval_methods(boot) == "moving-block bootstrap over turns"
    assert "moving-block bootstrap" in ax.get_xlabel() and "300 resamples" in ax.get_title(loc="left")
