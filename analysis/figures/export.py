"""Figure conventions: one style, one palette, journal sizes, byte-identical exports.

* Palette: Okabe and Ito's colour-blind-safe set of eight colours (Okabe & Ito 2008,
  "Color Universal Design"; popularised by Wong 2011, Nature Methods 8:441). Each theme
  and each organization has a fixed colour, marker and line style (:func:`theme_style`),
  so a figure still reads in grayscale and for colour-blind readers.
* Sizes: Nature's column widths, one column = 89 mm, two columns = 183 mm
  (:func:`new_figure`). Text 5-7 pt, set in ``analysis.mplstyle``.
* Export: :func:`export_figure` writes PDF (TrueType fonts embedded), SVG and 300-dpi PNG
  with no timestamps and a fixed SVG id salt, so the same figure gives the same bytes on
  every run, plus a JSON sidecar with the caption and provenance. :func:`write_figure_index`
  turns the sidecars into ``figures/README.md``.

Matplotlib reads some style settings when the axes are made (tick and label sizes,
colour cycle) and others when an artist is added (line widths, legend and title sizes).
:func:`new_figure` applies the style only while it builds the figure, so your session's
settings are left alone; draw inside ``with figure_style():`` for the whole house style.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

from analysis import __version__
from analysis.core.paths import figures_dir
from analysis.core.textio import InputError, atomic_write_bytes, atomic_write_text
from analysis.corpus.version import corpus_version

STYLE_PATH = Path(__file__).with_name("analysis.mplstyle")

#: Okabe & Ito (2008) palette, by its published colour names.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
_O = OKABE_ITO
#: One colour per theme: the dictionary's eight themes use all eight Okabe-Ito colours;
#: markers and line styles (by position) tell them apart in grayscale.
THEME_COLOURS = {
    "compute_scarcity": _O["vermillion"], "open_source_risk": _O["blue"],
    "elections_misinformation": _O["reddish_purple"], "talent_war": _O["orange"],
    "safety_guardrails": _O["bluish_green"], "bias_representation": _O["sky_blue"],
    "regulation_policy": _O["yellow"], "agi_future": _O["black"],
}
#: One colour per organization. Nine organizations share eight colours: DeepMind and
#: Google DeepMind (the same lab before and after the 2023 merger) share sky blue and
#: differ by marker and line style.
ORG_COLOURS = {
    "Meta": _O["blue"], "OpenAI": _O["black"], "Google": _O["bluish_green"],
    "Google DeepMind": _O["sky_blue"], "DeepMind": _O["sky_blue"], "Microsoft": _O["orange"],
    "Anthropic": _O["vermillion"], "Perplexity": _O["reddish_purple"],
    "SemiAnalysis; Allen Institute for AI (Ai2)": _O["yellow"],
}
#: Colours for any other name, picked by a hash of the name (same name, same colour).
FALLBACK_COLOURS = tuple(OKABE_ITO.values())
#: The seed document (Pineau, La Tribune 2024) against the rest drawn in NEUTRAL grey.
HIGHLIGHT_COLOUR = _O["vermillion"]
NEUTRAL_COLOUR = "#999999"  # not an Okabe-Ito colour: context only, never a category

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)),
              (0, (1, 2)), (0, (6, 2, 1, 2)), (0, (2, 1)), (0, (8, 3)))

WIDTHS_MM = {"one": 89.0, "two": 183.0}
FORMATS = ("pdf", "svg", "png")
DPI = 300
_METADATA = {"pdf": {"CreationDate": None, "ModDate": None},
             "svg": {"Date": None}, "png": {"Software": None}}
MM_PER_INCH = 25.4
#: matplotlib's SVG ids: one letter and ten hex digits of a hash of the element's key (for clip
#: paths, the clip rectangle at full float precision), so a last-bit layout difference between
#: machines renames every clip path although nothing visible changed.
_SVG_HASHED_ID = re.compile(r'id="([a-z])([0-9a-f]{10})"')


def stable_svg_ids(svg: bytes) -> bytes:
    """``svg`` with matplotlib's hashed element ids renumbered in order of definition
    (``p0001``, ``p0002``, ... for clip paths; ``m0001`` ... for markers), references included,
    so that the bytes depend on what is drawn and in which order, not on float noise below
    the precision the file prints."""
    text = svg.decode("utf-8")
    mapping, counts = {}, {}
    for letter, digest in _SVG_HASHED_ID.findall(text):
        if letter + digest not in mapping:
            counts[letter] = counts.get(letter, 0) + 1
            mapping[letter + digest] = f"{letter}{counts[letter]:04d}"
    if not mapping:
        return svg
    renamed = re.sub(r"\b[a-z][0-9a-f]{10}\b", lambda m: mapping.get(m.group(0), m.group(0)), text)
    return renamed.encode("utf-8")


def text_colour(colour, background: str = "#ffffff", min_contrast: float = 4.5) -> str:
    """``colour`` darkened (same hue) until text in it reads on ``background``.

    Contrast is the WCAG 2 ratio of relative luminances, (L1 + 0.05) / (L2 + 0.05), and
    4.5:1 the level for normal text (W3C 2008, WCAG 2.0, success criterion 1.4.3). The
    Okabe-Ito yellow (about 1.2:1 on white) and sky blue (2.2:1) are fine for lines and
    markers but not for text; this is the colour to write a label in.
    """
    def luminance(rgb):
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    rgb, back = matplotlib.colors.to_rgb(colour), luminance(matplotlib.colors.to_rgb(background))
    for step in range(21):
        shade = [c * (1 - step / 20) for c in rgb]
        low, high = sorted((luminance(shade), back))
        if (high + 0.05) / (low + 0.05) >= min_contrast:
            return matplotlib.colors.to_hex(shade)
    return "#000000"


def _stable_index(name: str, n: int) -> int:
    """Position in a cycle of ``n`` picked by sha256 of the name (Python's ``hash`` is salted)."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % n


def theme_style(name: str) -> dict:
    """Colour, marker and line style for a theme key or an organization name.

    Known themes and organizations get fixed entries, in the order of THEME_COLOURS and
    ORG_COLOURS; any other name gets a palette colour, marker and line style chosen by a
    hash of the name, so it is the same in every notebook and on every run.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"theme_style needs a non-empty name, got {name!r}")
    for table in (THEME_COLOURS, ORG_COLOURS):
        if name in table:
            i = list(table).index(name)
            return {"color": table[name], "marker": MARKERS[i], "linestyle": LINESTYLES[i]}
    return {"color": FALLBACK_COLOURS[_stable_index(name, len(FALLBACK_COLOURS))],
            "marker": MARKERS[_stable_index("marker:" + name, len(MARKERS))],
            "linestyle": LINESTYLES[_stable_index("line:" + name, len(LINESTYLES))]}


def highlight_style() -> dict:
    """Style for the seed document: highlight colour, a star marker, a heavier line."""
    return {"color": HIGHLIGHT_COLOUR, "marker": "*", "linestyle": "-", "linewidth": 1.6,
            "markersize": 7, "zorder": 3}


def figure_style():
    """Context manager applying the house style sheet (``with figure_style(): ...``)."""
    return plt.style.context(STYLE_PATH)


def new_figure(width="one", aspect=0.62, nrows=1, ncols=1, **kw):
    """A figure one or two journal columns wide: ``fig, ax = new_figure('two', 0.4)``.

    Width is 89 mm (``'one'``) or 183 mm (``'two'``); height is width times ``aspect``
    (default 0.62, close to the golden ratio's 1/1.618). Other keywords go to
    :func:`matplotlib.pyplot.subplots`. Returns ``(fig, ax)`` or ``(fig, axes)``.
    """
    if width not in WIDTHS_MM:
        raise ValueError(f"unknown width {width!r}: use one of {sorted(WIDTHS_MM)}")
    if isinstance(aspect, bool) or not isinstance(aspect, (int, float)) or not 0 < aspect < 10:
        raise ValueError(f"aspect must be a number between 0 and 10 (height / width), got {aspect!r}")
    if "figsize" in kw:
        raise ValueError("new_figure sets figsize from width and aspect; do not pass figsize")
    w_in = WIDTHS_MM[width] / MM_PER_INCH
    with figure_style():
        return plt.subplots(nrows, ncols, figsize=(w_in, w_in * aspect), **kw)


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("figure name must be a non-empty string, e.g. 'theme_rates'")
    if any(sep in name for sep in ("/", "\\")) or name.startswith(".") or name != name.strip():
        raise ValueError(f"figure name {name!r} must be a plain file stem: no path separators, "
                         "no leading dot or spaces (choose the folder with outdir=)")
    return name


def _check_formats(formats) -> tuple:
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown or missing formats {unknown or formats!r}: allowed are {list(FORMATS)}")
    return tuple(dict.fromkeys(formats))


def export_figure(fig, name, *, caption, outdir=None, formats=FORMATS, provenance=None) -> list[Path]:
    """Write ``<outdir>/<name>.{pdf,svg,png}`` and ``<name>.json``; return their paths.

    Every format is rendered in memory first (under the house style, 300 dpi, no dates
    in the metadata) and only then written, each through a temporary file and a rename:
    a failure part-way leaves no half-written or temporary files behind. The sidecar
    records the caption, the size in mm, each file's sha256 and the provenance: corpus
    version, analysis and matplotlib versions, plus what you pass in ``provenance`` --
    say what made the figure, e.g. ``{'notebook': 'notebooks/06_figures_for_papers.ipynb'}``
    or ``{'command': 'python -m analysis figures'}``. ``figures/README.md`` is then
    regenerated (:func:`write_figure_index`).
    """
    name, formats = _check_name(name), _check_formats(formats)
    _check_caption_and_provenance(caption, provenance)
    rendered = render_formats(fig, formats)
    return write_rendered(name, rendered, caption=caption, size_inches=tuple(fig.get_size_inches()),
                          outdir=outdir, provenance=provenance)


def _check_caption_and_provenance(caption, provenance) -> None:
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("caption must be a non-empty string: say what the figure shows")
    if provenance is not None and not isinstance(provenance, dict):
        raise ValueError(f"provenance must be a dict such as {{'command': ...}}, got {type(provenance).__name__}")


def render_formats(fig, formats=FORMATS) -> dict[str, bytes]:
    """``{format: file bytes}`` of ``fig`` in each format, rendered in memory under the house style."""
    rendered = {}
    with figure_style():
        for fmt in _check_formats(formats):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
            rendered[fmt] = stable_svg_ids(buffer.getvalue()) if fmt == "svg" else buffer.getvalue()
    return rendered


def write_rendered(name, rendered: dict[str, bytes], *, caption, size_inches, outdir=None,
                   provenance=None) -> list[Path]:
    """The writing half of :func:`export_figure`, for a figure already rendered
    (:func:`render_formats`; ``size_inches``: the figure's ``get_size_inches()``)."""
    name = _check_name(name)
    _check_caption_and_provenance(caption, provenance)
    outdir = Path(outdir) if outdir is not None else figures_dir()
    prov = {"command": None, "analysis_version": __version__,
            "matplotlib_version": matplotlib.__version__, **(provenance or {})}
    if "corpus_version" not in prov:
        prov["corpus_version"] = corpus_version()
    w_in, h_in = size_inches
    sidecar = {
        "name": name, "caption": caption.strip(), "provenance": prov, "dpi": DPI,
        "size_mm": {"width": round(w_in * MM_PER_INCH, 1), "height": round(h_in * MM_PER_INCH, 1)},
        "files": {fmt: {"file": f"{name}.{fmt}", "sha256": hashlib.sha256(data).hexdigest()}
                  for fmt, data in rendered.items()},
    }
    try:
        text = json.dumps(sidecar, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    except TypeError as err:
        raise ValueError(f"provenance values must be JSON types (str, number, list, dict): {err}") from None
    paths = []
    for fmt, data in rendered.items():
        atomic_write_bytes(outdir / f"{name}.{fmt}", data)
        paths.append(outdir / f"{name}.{fmt}")
    atomic_write_text(outdir / f"{name}.json", text)
    paths.append(outdir / f"{name}.json")
    write_figure_index(outdir)
    return paths


def write_figure_index(outdir=None) -> Path:
    """Regenerate ``<outdir>/README.md`` from the JSON sidecars, sorted by figure name."""
    outdir = Path(outdir) if outdir is not None else figures_dir()
    lines = ["# Figures", "",
             "Generated by `analysis.figures.export.write_figure_index` from the `*.json` sidecars; "
             "do not edit by hand (re-export the figures instead).", ""]
    for path in sorted(outdir.glob("*.json")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            name, caption, files, prov = meta["name"], meta["caption"], meta["files"], meta["provenance"]
        except (ValueError, KeyError, TypeError) as err:
            raise InputError(path, f"not a figure sidecar ({err})",
                             hint="re-export the figure or remove the file") from None
        size = meta.get("size_mm", {})
        links = " · ".join(f"[{fmt.upper()}]({files[fmt]['file']})" for fmt in FORMATS if fmt in files)
        made = ", ".join(f"{k}: `{prov[k]}`" for k in sorted(prov) if prov[k] is not None)
        lines += [f"## {name}", ""]
        if "png" in files:
            lines += [f"![{name}]({files['png']['file']})", ""]
        lines += [caption, "", f"- Formats: {links}",
                  f"- Size: {size.get('width')} × {size.get('height')} mm",
                  f"- Provenance: {made}", ""]
    index = outdir / "README.md"
    atomic_write_text(index, "\n".join(lines))
    return index
