"""Context rules for themes: the dictionary's terms, corrected by the words around them.

A bag of words cannot tell "we give Llama away" (open_source_risk) from "we give users
freedom", nor "AI is like electricity" from "the grid cannot supply the electricity".
The rules in ``corpus/themes/rules.csv`` look at a window of tokens around a term, so they
need the running text: they are computed where the text is (at extraction for
features-only documents, stored per turn; live for full-text documents), see
:func:`turn_theme_hits` and :func:`rules_version`.

Grammar of ``rules.csv`` (one rule per row; ``corpus/themes/codebook.md`` explains it for coders):

``rule_id, theme, lang, action, term, context, unless, window, example, counter_example, note``

* ``lang``: ``en``, ``fr`` or ``*`` (both).
* ``term``, ``context``, ``unless``: alternatives separated by ``|``; an alternative is one
  word or several words in a row separated by spaces (``open up``, ``source code``). A word
  matches a token when the token or its lemma (:func:`analysis.text.lemmas.lemma`) equals it,
  or, for ``word*``, starts with ``word``. Tokens are those of
  :func:`analysis.text.tokenize.tokenize` (phrases of ``corpus/phrases.csv`` merged, so
  ``open_source`` is one token).
* ``context`` may have several groups separated by ``;``: each group must have a match
  within ``window`` tokens of the term (``give`` with ``away`` **and** ``llama|model*``).
  ``unless``: one group; a match within the window vetoes the rule.
* ``action``:

  - ``add``: the term hits the theme when the context is there (and no veto);
  - ``exclude``: a dictionary hit of the theme on a token matching the term is dropped
    when the context is there (and no veto);
  - ``require``: a dictionary hit of the theme on a token matching the term is kept only
    when the context is there.

* ``window``: tokens on either side of the term (positive integer).
* ``example``: a sentence where the rule applies (``add``: the theme hits; ``exclude``: the
  dictionary hit is removed; ``require``: the hit is kept); ``counter_example``: a near miss
  where it does not (``add``: no hit; ``exclude``: the hit stays; ``require``: the hit is
  removed). Both are in the rule's language (English for ``*``);
  ``tests/test_theme_rules.py`` asserts both for every row (:func:`check_examples`).

Hits of a theme in a turn = number of token positions that carry the theme after the
rules: dictionary hits (:class:`analysis.text.themes.ThemeMatcher`) minus excluded ones,
plus positions where an ``add`` rule's term starts. A position counts once per theme.
Context rules of this kind follow the "keyword in context" disambiguation of
content-analysis dictionaries (Young and Soroka 2012, Lexicoder's handling of negation and
ambiguous terms; Krippendorff 2019, *Content Analysis*, ch. 11).

The rules' version, :func:`rules_version`, is the sha256 of the dictionary and the rules
files together: stored hits computed with another version are stale.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.core.paths import corpus_dir
from analysis.core.textio import InputError, read_csv_table
from analysis.text.lemmas import lemma
from analysis.text.themes import DICTIONARY_FILE, ThemeMatcher
from analysis.text.tokenize import LANGUAGES, check_language, tokenize

RULES_FILE = Path("themes") / "rules.csv"
RULE_COLUMNS = ("rule_id", "theme", "lang", "action", "term", "context", "unless", "window", "example",
                "counter_example", "note")
ACTIONS = ("add", "exclude", "require")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD = re.compile(r"^[^\s|;*]+\*?$")

Pattern = tuple[tuple[str, ...], ...]  # alternatives, each a sequence of words


@dataclass(frozen=True)
class Rule:
    """One row of the rules file (see the module docstring for the grammar)."""
    rule_id: str
    theme: str
    langs: tuple[str, ...]
    action: str
    term: Pattern
    context: tuple[Pattern, ...]
    unless: Pattern
    window: int
    example: str
    counter_example: str
    line: int


def _pattern(text: str, fail, what: str) -> Pattern:
    alternatives = []
    for alternative in text.split("|"):
        words = tuple(alternative.strip().lower().replace("’", "'").split())
        if not words:
            fail(f"empty alternative in {what} {text!r}", "separate alternatives with | and no empty ones")
        bad = [w for w in words if not _WORD.match(w) or (w.endswith("*") and len(w) < 4)]
        if bad:
            fail(f"bad word {bad[0]!r} in {what}", "a word, or a prefix of at least 3 letters followed by *")
        alternatives.append(words)
    return tuple(alternatives)


def _check_rule(row: dict, path: Path, line: int, themes) -> Rule:
    rec = {k: (row.get(k) or "").strip() for k in RULE_COLUMNS}

    def fail(message, hint=None):
        raise InputError(path, message, line=line, hint=hint)

    for key in ("rule_id", "theme", "lang", "action", "term", "window", "example", "counter_example", "note"):
        if not rec[key]:
            fail(f"empty {key!r}", "every rule needs an id, theme, lang, action, term, window, an example "
                                   "that hits, a counter-example that does not, and a note")
    if not _ID.match(rec["rule_id"]):
        fail(f"rule_id {rec['rule_id']!r} is not a key", "use lower-case letters, digits and _")
    if rec["theme"] not in themes:
        fail(f"unknown theme {rec['theme']!r}", f"use one of {', '.join(themes)}")
    if rec["lang"] not in (*LANGUAGES, "*"):
        fail(f"unknown lang {rec['lang']!r}", f"use one of {', '.join(LANGUAGES)} or *")
    if rec["action"] not in ACTIONS:
        fail(f"unknown action {rec['action']!r}", f"use one of {', '.join(ACTIONS)}")
    if rec["action"] in ("exclude", "require") and not rec["context"]:
        fail(f"{rec['action']} rule without context", "say which nearby words trigger it")
    try:
        window = int(rec["window"])
    except ValueError:
        window = 0
    if window < 1:
        fail(f"window {rec['window']!r} is not a positive integer")
    context = tuple(_pattern(group, fail, "context") for group in rec["context"].split(";")) if rec["context"] else ()
    return Rule(rule_id=rec["rule_id"], theme=rec["theme"],
                langs=LANGUAGES if rec["lang"] == "*" else (rec["lang"],), action=rec["action"],
                term=_pattern(rec["term"], fail, "term"), context=context,
                unless=_pattern(rec["unless"], fail, "unless") if rec["unless"] else (), window=window,
                example=rec["example"], counter_example=rec["counter_example"], line=line)


def load_rules(path=None, *, themes=None) -> list[Rule]:
    """The context rules, checked row by row (errors name the file and line)."""
    path = Path(path) if path else corpus_dir() / RULES_FILE
    _, records = read_csv_table(path, RULE_COLUMNS, what="theme rules",
                                hint="see the rules section of corpus/themes/codebook.md")
    themes = list(themes) if themes is not None else ThemeMatcher().themes_
    rules, seen = [], {}
    for line, row in records:
        rule = _check_rule(row, path, line, themes)
        if rule.rule_id in seen:
            raise InputError(path, f"rule_id {rule.rule_id!r} is used twice", line=line,
                             hint=f"first at line {seen[rule.rule_id]}")
        seen[rule.rule_id] = line
        rules.append(rule)
    return rules


def rules_version(dictionary_path=None, rules_path=None) -> str:
    """sha256 of the dictionary file, a NUL byte and the rules file: the version of stored hits."""
    digest = hashlib.sha256()
    digest.update(Path(dictionary_path or corpus_dir() / DICTIONARY_FILE).read_bytes())
    digest.update(b"\0")
    digest.update(Path(rules_path or corpus_dir() / RULES_FILE).read_bytes())
    return digest.hexdigest()


def _word_matches(word: str, token: str, token_lemma: str) -> bool:
    if word.endswith("*"):
        return token.startswith(word[:-1]) or token_lemma.startswith(word[:-1])
    return word in (token, token_lemma)


class ThemeRules:
    """Theme hits of running text under the dictionary and the context rules.

    ``dictionary`` and ``rules`` are paths (None: the project's files). Attributes:
    ``themes_``, ``rules_``, ``version_`` (:func:`rules_version`).
    """

    def __init__(self, dictionary=None, rules=None):
        self.matcher = ThemeMatcher(dictionary)
        self.themes_ = self.matcher.themes_
        self.rules_ = load_rules(rules, themes=self.themes_)
        self.version_ = rules_version(dictionary if isinstance(dictionary, (str, Path)) else None, rules)
        self._words = sorted({w for r in self.rules_ for p in (r.term, *r.context, r.unless) for alt in p for w in alt})

    @lru_cache(maxsize=200_000)  # noqa: B019 - one instance per process; token types repeat
    def _token_words(self, token: str, lang: str) -> frozenset:
        token_lemma = lemma(token, lang)
        return frozenset(w for w in self._words if _word_matches(w, token, token_lemma))

    @staticmethod
    def _starts(pattern: Pattern, words, i: int) -> int:
        """Length of the first alternative of ``pattern`` matching at ``i`` (0 if none)."""
        for alternative in pattern:
            if i + len(alternative) <= len(words) and all(w in words[i + k] for k, w in enumerate(alternative)):
                return len(alternative)
        return 0

    def _near(self, pattern: Pattern, words, start: int, end: int, window: int) -> bool:
        lo, hi = max(0, start - window), min(len(words), end + window)
        return any(self._starts(pattern, words, j) for j in range(lo, hi) if not start <= j < end)

    def _fires(self, rule: Rule, words, i: int) -> bool:
        """Whether ``rule``'s term starts at ``i`` with its context and without a veto."""
        n = self._starts(rule.term, words, i)
        if not n:
            return False
        if not all(self._near(group, words, i, i + n, rule.window) for group in rule.context):
            return False
        return not (rule.unless and self._near(rule.unless, words, i, i + n, rule.window))

    def token_themes(self, tokens: list[str], lang: str) -> list[set[str]]:
        """The themes each token position carries after the rules."""
        lang = check_language(lang)
        words = [self._token_words(t, lang) for t in tokens]
        carried = [set(self.matcher._hits(t, lang)[0]) for t in tokens]
        rules = [r for r in self.rules_ if lang in r.langs]
        for i in range(len(tokens)):
            for rule in rules:
                if rule.action == "add":
                    if rule.theme not in carried[i] and self._fires(rule, words, i):
                        carried[i].add(rule.theme)
                elif rule.theme in carried[i] and self._starts(rule.term, words, i):
                    fired = self._fires(rule, words, i)
                    if fired == (rule.action == "exclude"):
                        carried[i].discard(rule.theme)
        return carried

    def hits(self, text: str, lang: str) -> dict[str, int]:
        """``{theme: hits}`` of one turn's running text (every theme, zeros included)."""
        counts = Counter(theme for themes in self.token_themes(tokenize(text, lang), lang) for theme in themes)
        return {theme: counts.get(theme, 0) for theme in self.themes_}


def example_language(rule: Rule) -> str:
    """The language a rule's examples are written in (English for rules of both languages)."""
    return "en" if len(rule.langs) > 1 else rule.langs[0]


def check_examples(rules: ThemeRules) -> list[str]:
    """Rules whose example or counter-example does not behave as written (empty: all good)."""
    failures = []
    for rule in rules.rules_:
        lang = example_language(rule)
        example_hits = rules.hits(rule.example, lang)[rule.theme] > 0
        counter_hits = rules.hits(rule.counter_example, lang)[rule.theme] > 0
        wanted = rule.action != "exclude"
        if example_hits != wanted:
            failures.append(f"{rule.rule_id} (line {rule.line}): example {'does not hit' if wanted else 'hits'}")
        if counter_hits == wanted:
            failures.append(f"{rule.rule_id} (line {rule.line}): counter-example "
                            f"{'hits' if wanted else 'does not hit'}")
    return failures


_DEFAULT: dict[tuple, ThemeRules] = {}


def default_rules() -> ThemeRules:
    """The project's rules, built once per version of the files."""
    key = (str(corpus_dir()), rules_version())
    if key not in _DEFAULT:
        _DEFAULT.clear()
        _DEFAULT[key] = ThemeRules()
    return _DEFAULT[key]


def turn_theme_hits(text: str, lang: str, rules: ThemeRules | None = None) -> dict[str, int]:
    """Non-zero theme hits of one turn under the context rules (what features files store)."""
    hits = (rules or default_rules()).hits(text, lang)
    return {theme: n for theme, n in hits.items() if n}
