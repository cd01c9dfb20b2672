"""The tutorial's plumbing: where notebooks write, readable text colours, the lab's settings."""
import json

import matplotlib.colors

from analysis.core.paths import PROJECT_ROOT, figures_dir
from analysis.figures.export import OKABE_ITO, text_colour
from analysis.tutorial.output import notebook_output_dir, use_output_folder


def _contrast(colour, background="#ffffff"):
    def luminance(rgb):
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    low, high = sorted((luminance(matplotlib.colors.to_rgb(colour)), luminance(matplotlib.colors.to_rgb(background))))
    return (high + 0.05) / (low + 0.05)


def test_use_output_folder_sends_exports_to_the_untracked_output_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.delenv("ANALYSIS_FIGURES_DIR", raising=False)
    assert figures_dir() == PROJECT_ROOT / "figures"
    folder = use_output_folder()
    assert folder == tmp_path / "out" / "figures" == figures_dir()


def test_the_default_output_folder_is_ignored_by_git(monkeypatch):
    monkeypatch.delenv("ANALYSIS_OUTPUT_DIR", raising=False)
    assert notebook_output_dir() == PROJECT_ROOT / "output"
    assert "output/" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()


def test_text_colours_read_on_white_and_keep_dark_colours_as_they_are():
    assert _contrast(OKABE_ITO["yellow"]) < 2  # the reason for text_colour
    for name, colour in OKABE_ITO.items():
        assert _contrast(text_colour(colour)) >= 4.5, name
    assert text_colour(OKABE_ITO["blue"]).lower() == OKABE_ITO["blue"].lower()


def test_kernels_use_local_sockets_not_tcp():
    config = json.loads((PROJECT_ROOT / ".jupyter" / "jupyter_server_config.json").read_text())
    assert config["KernelManager"]["transport"] == "ipc"
