"""Parse a print interview exported from a press database into turns.

The shape, modelled on the seed ``seeds/000_f7e0c75ec0433191.txt`` (line numbers below)::

    La Tribune Toulouse (Edition Quotidienne)              masthead       (line 1)
    « Quand nous mettrons ... » (Joelle Pineau, ...)       headline       (line 3)
    -                                                      separator      (line 5)
    dont nous allons garder une seule version. ...         body: Q and A  (lines 7-33)
    Newspapers in French / Newspapers from France          page footer    (lines 35, 37)

Only body paragraphs become turns; everything else is metadata. Each rule and its evidence:

* Footer: trailing lines that fully match one of :data:`FOOTER_PATTERNS` ("Newspapers in
  <Language>", "Newspapers from <Country>", "Copyright ...", "© ...", "... Tous droits
  réservés", "... All rights reserved", "Printed and distributed by PressReader", a page
  number such as "12", "Page 12", "p. 3/8"), at most 120 characters each.
* Head: a separator is a line made only of - – — _ * = ~ • (seed line 5). If one is among
  the first 6 non-empty lines, the lines before it are the head. Otherwise the head ends at
  the headline: among the first 3 lines, a quotation in « », “ ” or "" followed by an
  attribution in parentheses, "(Name, description)". With neither, there is no head (a
  note says so). In the head, the masthead is the first line unless it is the headline;
  the headline is the attributed quotation, else the second line; other head lines
  (bylines, standfirsts) go to ``head_other``. ``headline`` keeps the quotation only.
* Attribution: the name is the text before the first comma, the description the rest,
  both as printed. :func:`split_description` cuts the description into role and
  organization at the last occurrence of the first marker found, in this order: French
  " chez ", then " de "/" d'" before a capital ("PDG de Mistral AI"); English " at ", then
  " of " before a capital ("CEO of OpenAI"); then a last comma ("CEO, OpenAI"). Without
  a marker the description is the role. It reads wording, not meaning: "Head of Research"
  gives organization "Research", so check the result.
* Paragraphs: body lines are grouped at blank lines (lines of one block joined by a
  space); a body without blank lines has one paragraph per line. A paragraph of one or two
  words without final punctuation is a layout fragment of the previous paragraph and is
  joined to it with a space (seed line 29 "Imagine," ends the question of line 27).
* Labels: each paragraph takes its role from the first cue that applies, recorded in the
  turn's notes as "line N: cue":
  1. it ends with "?" (closing quotes and brackets ignored): interviewer, a question;
  2. it ends with "..." or "…": interviewer, a question left hanging (seed line 17);
  3. first- and second-person words are counted (see ``_FIRST`` and ``_SECOND``; French
     je j' me moi nous notre nos on ...; vous votre vos; English I me my we us our ...;
     you your): more second- than first-person words is the journalist addressing the
     interviewee; at least one first-person word otherwise is the interviewee speaking
     (ties go to the interviewee, seed line 7 "nous ... comme vous l'avez souligné");
  4. no cue: the opposite role of the previous paragraph. After an answer, a paragraph
     with no first person is the journalist's statement (seed line 33 "Malgré ces
     précautions, ..."); after a question it is the answer; first of all, the journalist.
  A turn is one speaker's uninterrupted contribution: consecutive paragraphs with the
  same role are merged into one turn, joined by a blank line ("\\n\\n"), so a
  multi-paragraph answer stays one answer (seed lines 23 and 25).
  Known failures: a rhetorical "?" closing an answer; an answer made only of "vous"; a
  journalist's impersonal French "on". If labels look wrong, label speakers by hand.
* Truncation: ``truncated_start`` when the first paragraph opens mid-sentence: lower-case
  letter, punctuation (, ; … ...), or a word that cannot open a sentence (dont, lequel,
  whom, ...; seed line 7 "dont nous allons ..."). ``truncated_end`` when the last turn is
  the interviewer's, with no answer (seed line 33), or the text stops without final
  punctuation. Both add a note.

Errors are :class:`~analysis.core.textio.InputError` naming the file (and line): empty text,
no body paragraphs, no detectable question (the parser does not guess), unsupported
language. Decoding bytes is the caller's job (:func:`analysis.core.textio.decode_bytes`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.core.textio import InputError, read_text
from analysis.core.turns import Turn

LANGS = ("fr", "en")
FOOTER_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"newspapers in [^\W\d_][\w ]*", r"newspapers from [^\W\d_][\w .'-]*",
    r"copyright\b.*", r"©.*", r"\(c\) ?\d{4}.*", r".*tous droits réservés\.?",
    r".*all rights reserved\.?", r"printed and distributed by pressreader.*",
    r"pressreader\.com.*", r"(?:page|p\.) ?\d+(?: ?(?:/|of|sur) ?\d+)?",
    r"\d{1,4}(?: ?(?:/|of|sur) ?\d{1,4})?")]
_SEPARATOR = re.compile(r"[-–—_*=~•][-–—_*=~• ]*")
_HEADLINE = re.compile(r"(?P<quote>[«“\"].+[»”\"])\s*\((?P<attr>[^()]+)\)")
_WORD = re.compile(r"[^\W\d_]+")  # letters only: "j'ai" -> j, ai; "we're" -> we, re
_FIRST = {"fr": {"je", "j", "me", "m", "moi", "mon", "ma", "mes", "nous", "notre", "nos", "on"},
          "en": {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}}
_SECOND = {"fr": {"vous", "votre", "vos", "vôtre", "vôtres", "tu", "te", "toi", "ton", "tes"},
           "en": {"you", "your", "yours", "yourself", "yourselves"}}
_NO_OPENING = {"fr": {"dont", "lequel", "laquelle", "lesquels", "lesquelles", "auquel", "duquel"},
               "en": {"whom", "whereby", "whereas", "whose"}}
_SPLITS = {"fr": [r" chez ", r" (?:de |d['’])(?=[A-ZÀ-Ý])"], "en": [r" at ", r" of (?=[A-Z])"]}
_CLOSERS = " »”\"’')]"
_FINAL = (".", "!", "?", "…", ":", "»", "”", "\"", ")")


@dataclass
class PrintInterview:
    """A parsed print interview: metadata as printed, turns, truncation flags and notes."""

    lang: str
    masthead: str | None = None
    headline: str | None = None
    interviewee: str | None = None
    interviewee_description: str | None = None
    role_as_printed: str | None = None
    organization_as_printed: str | None = None
    head_other: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    truncated_start: bool = False
    truncated_end: bool = False
    notes: list[str] = field(default_factory=list)


def split_description(description: str, lang: str) -> tuple[str, str | None]:
    """Cut "directrice de la recherche en IA chez Meta" into (role, organization).

    Markers, in order (the last occurrence of the first one found): see the module
    docstring. Returns ``(description, None)`` when no marker applies.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    for pattern in _SPLITS[lang] + [r", "]:
        hits = list(re.finditer(pattern, description))
        if hits:
            role = description[:hits[-1].start()].strip(" ,")
            org = description[hits[-1].end():].strip(" ,")
            if role and org:
                return role, org
    return description.strip(), None


def _label(text: str, lang: str, previous: str | None) -> tuple[str, str, bool]:
    """Return (role, cue, is_question) for one paragraph (rules 1-4 of the docstring)."""
    end = text.rstrip(_CLOSERS)
    if end.endswith("?"):
        return "interviewer", "ends with '?': question", True
    if end.endswith(("...", "…")):
        return "interviewer", "ends with an ellipsis: question left hanging", True
    words = [w for w in _WORD.findall(text) if not (len(w) > 1 and w.isupper())]  # not US
    first = [w for w in words if w.lower() in _FIRST[lang] and w != "i"]
    second = [w for w in words if w.lower() in _SECOND[lang]]
    if len(second) > len(first):
        return "interviewer", f"second-person address ({', '.join(second[:3])}) outweighs " \
                              f"first person ({len(first)})", False
    if first:
        return "interviewee", f"first-person words ({', '.join(first[:3])}) not outweighed " \
                              f"by second person ({len(second)})", False
    if previous == "interviewee":
        return "interviewer", "no first-person word after an answer: journalist's statement", False
    if previous == "interviewer":
        return "interviewee", "no cue; follows the journalist's paragraph: answer", False
    return "interviewer", "no cue; first paragraph: the journalist's opening", False


def parse_print_interview(text: str, *, lang: str, path=None, interviewee: str | None = None,
                          interviewer: str = "Interviewer") -> PrintInterview:
    """Parse the text of one print interview (rules in the module docstring).

    ``path`` only names the file in errors. ``interviewee`` overrides the name printed in
    the headline attribution; ``interviewer`` is the journalist's speaker label.
    """
    if lang not in LANGS:
        raise InputError(path, f"unsupported language {lang!r}",
                         hint=f"use one of {', '.join(LANGS)}; other languages need "
                              "their own first/second-person word lists")
    if isinstance(text, (bytes, bytearray)):
        raise TypeError("text is bytes: decode it first with analysis.core.textio.decode_bytes")
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [(n, line.strip()) for n, line in enumerate(lines, 1)]
    filled = [(n, s) for n, s in lines if s]
    if not filled:
        raise InputError(path, "the file is empty",
                         hint="export the interview from the press database as plain text")
    out = PrintInterview(lang=lang)
    stop = len(filled)
    while stop and len(filled[stop - 1][1]) <= 120 and any(
            p.fullmatch(filled[stop - 1][1]) for p in FOOTER_PATTERNS):
        stop -= 1
    out.footer = [s for _, s in filled[stop:]]

    # Head: up to a separator, else up to an attributed headline, else none.
    sep = next((i for i, (_, s) in enumerate(filled[:min(6, stop)])
                if _SEPARATOR.fullmatch(s)), None)
    hl = next((i for i, (_, s) in enumerate(filled[:min(3, stop)]) if _HEADLINE.fullmatch(s)), None)
    start = sep + 1 if sep is not None else (hl + 1 if hl is not None else 0)
    head = [s for _, s in filled[:sep if sep is not None else start]]
    if not head:
        out.notes.append("no masthead or headline found before the body (no separator "
                         "line, no attributed headline): the whole text is the body")
    hl = next((i for i, s in enumerate(head) if _HEADLINE.fullmatch(s)),
              1 if len(head) > 1 else None)
    out.masthead = head[0] if head and hl != 0 else None
    match = _HEADLINE.fullmatch(head[hl]) if hl is not None else None
    out.headline = match["quote"] if match else (head[hl] if hl is not None else None)
    out.head_other = [s for i, s in enumerate(head) if i not in (0, hl)]
    if match:
        name, _, desc = (part.strip() for part in match["attr"].partition(","))
        out.interviewee, out.interviewee_description = name or None, desc or None
        if desc:
            out.role_as_printed, out.organization_as_printed = split_description(desc, lang)
    if interviewee and out.interviewee and interviewee != out.interviewee:
        out.notes.append(f"interviewee {interviewee!r} given; the headline prints "
                         f"{out.interviewee!r}")
    speaker = interviewee or out.interviewee
    if not speaker:
        out.notes.append("no interviewee name in the headline: pass interviewee=")
    speakers = {"interviewer": interviewer, "interviewee": speaker or "Interviewee"}

    if start >= stop:
        raise InputError(path, "no interview paragraphs after the head",
                         line=filled[min(start, len(filled)) - 1][0],
                         hint="the text after the masthead/headline is empty or footer only")
    block = lines[filled[start][0] - 1:filled[stop - 1][0]]
    has_blank = any(not s for _, s in block)
    paragraphs, is_open = [], False
    for n, s in block:
        if not s:
            is_open = False
        elif is_open and has_blank:
            paragraphs[-1][1] += " " + s
        else:
            paragraphs.append([n, s])
            is_open = True

    labelled, asked = [], False  # [line, text, role, notes]
    for n, s in paragraphs:
        if labelled and len(s.split()) <= 2 and not s.endswith(_FINAL):
            labelled[-1][1] += " " + s
            labelled[-1][3].append(f"line {n}: layout fragment {s!r} (one or two words, no "
                                   "final punctuation) joined to the previous paragraph")
            continue
        role, cue, question = _label(s, lang, labelled[-1][2] if labelled else None)
        asked = asked or question
        labelled.append([n, s, role, [f"line {n}: {cue}"]])
    if not asked:
        raise InputError(path, "no question detected: no paragraph ends with '?' or an "
                               "ellipsis, so interviewer and interviewee cannot be told apart",
                         line=paragraphs[0][0],
                         hint="label the speakers yourself, one 'Name: text' paragraph per "
                              "turn, and use the Name: text importer")
    for n, s, role, notes in labelled:
        if out.turns and out.turns[-1].role == role:
            out.turns[-1].text += "\n\n" + s
            out.turns[-1].notes.extend(notes)
        else:
            out.turns.append(Turn(speaker=speakers[role], role=role, text=s, notes=notes))

    first, last = labelled[0], labelled[-1]
    opening = (_WORD.findall(first[1][:40]) or [""])[0].lower()
    if first[1][0].islower() or first[1][0] in ",;…." or opening in _NO_OPENING[lang]:
        out.truncated_start = True
        out.notes.append(f"body opens mid-sentence at line {first[0]} ({first[1][:30]!r}...): "
                         f"the start of this {first[2]} turn is missing")
    if last[2] == "interviewer":
        out.truncated_end = True
        out.notes.append(f"the last turn (line {last[0]}) is the journalist's and no answer "
                         "follows: the export stops mid-interview")
    elif not last[1].rstrip().endswith(_FINAL):
        out.truncated_end = True
        out.notes.append(f"the last paragraph (line {last[0]}) stops without final punctuation")
    return out


def read_print_interview(path, *, lang: str, **options) -> PrintInterview:
    """Read a file (any encoding, see :func:`analysis.core.textio.read_text`) and parse it."""
    return parse_print_interview(read_text(path), lang=lang, path=path, **options)
