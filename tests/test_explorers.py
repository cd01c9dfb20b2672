"""The notebook explorers: what they show, escaped, with a static version for pages without widgets."""
import pandas as pd

from analysis.tutorial.explorers import build_kwic_explorer, build_theme_explorer, kwic_html


def _turns():
    return pd.DataFrame({
        "doc_id": ["<i>mine</i>", "<i>mine</i>", "other"], "turn_id": [1, 2, 1], "role": ["interviewer", "interviewee", "other"],
        "lang": ["en", "en", "en"], "text_availability": ["full", "full", "features"],
        "text": ["Is <script>alert(1)</script> open source safe?", "We need more GPUs and open source models.", None],
    })


def test_kwic_html_escapes_the_text_and_marks_theme_words():
    page = kwic_html(_turns(), "open source")
    assert "<script>" not in page and "<i>mine" not in page and "&lt;i&gt;mine&lt;/i&gt;" in page
    assert "<b>2</b> occurrence(s)" in page
    assert 'class="theme-hit"' in page  # 'gpus' (lemma gpu) is a compute_scarcity term


def test_kwic_filters_and_says_what_features_only_documents_cannot_show():
    assert "<b>1</b> occurrence(s)" in kwic_html(_turns(), "open source", role="interviewee")
    page = kwic_html(_turns(), "open source", doc="other")
    assert "extracted features only" in page and "occurrence" not in page
    assert "1 features-only" in kwic_html(_turns(), "gpu")
    assert "Type a word" in kwic_html(_turns(), "  ")


def test_kwic_explorer_updates_when_the_query_or_the_mode_changes():
    explorer, static = build_kwic_explorer(_turns(), "open source")
    assert "Static view" in static and "<b>2</b> occurrence(s)" in static
    controls = explorer.controls
    controls["query"].value = "gpu"
    assert "<b>0</b> occurrence(s) of <b>gpu</b> (surface form)" in controls["results"].value
    controls["match"].value = "lemma"
    assert "<b>1</b> occurrence(s) of <b>gpu</b> (lemma)" in controls["results"].value
    controls["query"].value = "not one word"
    assert "tokens" in controls["results"].value  # kwic's own message, escaped, not an exception


def test_theme_explorer_redraws_for_the_chosen_themes():
    explorer, static = build_theme_explorer(("talent_war",), n_boot=50)
    assert static.count("<img") == 1 and "data:image/png;base64," in static
    controls = explorer.controls
    controls["themes"].value = ("compute_scarcity", "agi_future")
    assert "Showing compute_scarcity, agi_future for" in controls["message"].value
    controls["themes"].value = ()
    assert "Choose at least one theme" in controls["message"].value
