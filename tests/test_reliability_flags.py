"""Unreliable themes: alpha below 0.67 or test F1 below target are marked, not hidden."""
import math

import matplotlib
import pandas as pd

from analysis.figures.comparison_plots import forest
from analysis.measures.reliability import reliable_map, theme_reliability, unreliable_label

matplotlib.use("Agg")


def report(f1s):
    rows = [{"method": "rules", "split": "test", "scope": "random", "theme": t, "f1": f, "chosen": "yes"}
            for t, f in f1s.items()]
    # rows that must be ignored: development split, all-strata scope, a method not chosen
    rows += [{"method": "rules", "split": "development", "scope": "random", "theme": t, "f1": 0.0, "chosen": "yes"}
             for t in f1s]
    rows += [{"method": "model", "split": "test", "scope": "random", "theme": t, "f1": 1.0, "chosen": "no"}
             for t in f1s]
    table = pd.DataFrame(rows)
    table.attrs["themes"] = list(f1s)
    return table


def test_alpha_or_f1_below_target_is_unreliable():
    f1 = {"compute_scarcity": 0.85, "open_source_risk": 0.79, "talent_war": 0.76, "agi_future": math.nan}
    agreement = pd.DataFrame({"theme": list(f1), "alpha": [0.60, 0.90, 0.80, 0.95]})
    table = theme_reliability(report(f1), agreement).set_index("theme")
    assert table.loc["compute_scarcity", "reason"] == "alpha 0.60 < 0.67"          # F1 fine, alpha not
    assert table.loc["open_source_risk", "reason"] == "test F1 0.79 < 0.80"        # the 0.80 target
    assert table.loc["talent_war", "reliable"]                                      # 0.76 >= 0.75, 0.80 >= 0.67
    assert table.loc["agi_future", "reason"] == "test F1 not measurable"
    assert reliable_map(table.reset_index()) == {"compute_scarcity": False, "open_source_risk": False,
                                                 "talent_war": True, "agi_future": False}
    # without an agreement table only F1 is checked, and the table says agreement was not measured
    alone = theme_reliability(report(f1)).set_index("theme")
    assert alone.loc["compute_scarcity", "reliable"] and not alone.attrs["agreement_measured"]


def test_the_forest_plot_marks_unreliable_themes_and_keeps_them():
    profiles = pd.DataFrame([{"doc_id": d, "theme": t, "rate": r, "lo": r / 2, "hi": r * 2, "interviewee": d,
                              "date": "2024-01-01", "lang": "en", "date_mid": pd.Timestamp("2024-01-01"), "n": 40,
                              "n_tokens": 1000, "speech": "executive turns"}
                             for d, r in (("a", 1.0), ("b", 2.0)) for t in ("compute_scarcity", "talent_war")])
    fig, axes = forest(profiles, ["compute_scarcity", "talent_war"], reliable={"compute_scarcity": True})
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles == ["compute scarcity", "talent war\n(unreliable)"] and unreliable_label("x", False) == "x (unreliable)"
    assert len(axes[1].lines) == len(axes[0].lines)  # drawn like the others
    matplotlib.pyplot.close(fig)
    fig, axes = forest(profiles, ["compute_scarcity", "talent_war"], reliable={"compute_scarcity": True}, width="one")
    assert axes[1].get_title(loc="left").endswith("\u2020") and not axes[0].get_title(loc="left").endswith("\u2020")
    matplotlib.pyplot.close(fig)
