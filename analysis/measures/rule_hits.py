"""Theme hits per turn under the context rules, read where they were computed.

Context rules (:mod:`analysis.text.theme_rules`) need running text. Features-only
documents keep none, so their hits were computed at extraction and stored per turn in the
features file, with the rules' version in the header (``extraction.theme_rules_sha256``;
``corpus/README.md``). Full-text documents (the seed, interviews added with
``analysis add``) are matched live. Stored hits made with other rules than the current
ones are never used: :func:`rule_theme_hits` raises :class:`StaleRulesError`, naming the
stale documents and the command that refreshes them.
"""
from __future__ import annotations

import json
import pandas as pd

from analysis.corpus.load import document_path, read_document
from analysis.text.theme_rules import ThemeRules, default_rules

KEY_COLUMNS = ["doc_id", "turn_id", "speaker", "role", "lang", "n_tokens"]
REFRESH_COMMAND = "python -m analysis extract --raw DIR"


class StaleRulesError(ValueError):
    """Stored theme hits were computed with other rules than the current ones."""


def stored_rules_version(path) -> str | None:
    """The ``theme_rules_sha256`` of a features file's header (None if it has none)."""
    with open(path, encoding="utf-8") as handle:
        header = json.loads(handle.readline())
    return header.get("extraction", {}).get("theme_rules_sha256")


def check_stored_rules(turns: pd.DataFrame, rules: ThemeRules) -> None:
    """Raise :class:`StaleRulesError` if a features-only document of ``turns`` was
    extracted with other rules (or none) than ``rules``."""
    root = turns.attrs.get("corpus_dir")
    stale = []
    for doc_id in sorted(set(turns.loc[turns["text_availability"] != "full", "doc_id"])):
        if stored_rules_version(document_path(doc_id, "features", root)) != rules.version_:
            stale.append(doc_id)
    if stale:
        raise StaleRulesError(
            f"the theme hits stored in {len(stale)} features file(s) were computed with other rules than "
            f"corpus/themes/dictionary.csv + rules.csv now hold (sha256 {rules.version_[:12]}...): "
            f"{', '.join(stale)}. Refresh them with `{REFRESH_COMMAND}` (maintainers, with the raw "
            "transcripts), or restore the rules they were extracted with (git checkout corpus/themes).")


def rule_theme_hits(turns: pd.DataFrame, rules: ThemeRules | None = None) -> pd.DataFrame:
    """One row per turn (the turns' key columns) and one integer column of rule hits per theme.

    Full-text turns are matched live with ``rules`` (default: the project's); features-only
    turns use the stored hits, after :func:`check_stored_rules`.
    """
    rules = rules or default_rules()
    turns = turns.reset_index(drop=True)
    check_stored_rules(turns, rules)
    root = turns.attrs.get("corpus_dir")
    stored: dict[str, dict[int, dict]] = {}
    rows = []
    for doc_id, turn_id, text, lang, availability in zip(turns["doc_id"], turns["turn_id"], turns["text"],
                                                        turns["lang"], turns["text_availability"]):
        if availability == "full":
            rows.append(rules.hits(text, lang))
            continue
        if doc_id not in stored:
            _, records = read_document(document_path(doc_id, "features", root), lang)
            stored[doc_id] = {r["turn_id"]: r.get("themes", {}) for r in records}
        found = stored[doc_id].get(int(turn_id), {})
        rows.append({theme: int(found.get(theme, 0)) for theme in rules.themes_})
    scores = pd.DataFrame(rows, columns=rules.themes_, dtype="int64")
    table = pd.concat([turns[KEY_COLUMNS], scores], axis=1)
    table.attrs["themes"] = list(rules.themes_)
    table.attrs["rules_version"] = rules.version_
    return table

