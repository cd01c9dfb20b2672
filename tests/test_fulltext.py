"""The curated full-text format round-trips and reports bad files precisely."""
import pytest

from analysis.corpus.fulltext import format_fulltext, parse_fulltext, read_fulltext, write_fulltext
from analysis.core.textio import InputError
from analysis.core.turns import Turn


def test_round_trip_keeps_turns_notes_timestamps_and_tricky_lines(tmp_path):
    turns = [Turn("Ada", "interviewee", "First line\n\n## not a heading\n> not a note\n\\ backslash",
                  notes=["opens mid-answer"]),
             Turn("Host", "interviewer", "Why?", timestamp="00:01:02", segment="intro")]
    path = tmp_path / "doc.txt"
    write_fulltext(path, {"doc_id": "doc", "language": "en"}, turns)
    meta, back = read_fulltext(path)
    assert meta == {"doc_id": "doc", "language": "en"}
    assert back == turns


@pytest.mark.parametrize("text, message, line", [
    ("doc_id: x\n", "no '---'", 2),
    ("doc_id: x\nnonsense\n---\n", "key: value", 2),
    ("doc_id: x\n---\n\nstray\n", "before the first turn", 4),
    ("doc_id: x\n---\n## 2 | interviewer | A\nhi\n", "out of sequence", 3),
    ("doc_id: x\n---\n## 1 | boss | A\nhi\n", "role must be one of", 3),
    ("doc_id: x\n---\n## one | interviewer\n", "turn heading", 3),
    ("doc_id: x\n---\n\n", "no turns", None),
])
def test_bad_files_name_the_line(text, message, line):
    with pytest.raises(InputError, match=message) as error:
        parse_fulltext(text, "doc.txt")
    assert error.value.line == line
    assert "doc.txt" in str(error.value)


def test_metadata_values_must_be_single_lines():
    with pytest.raises(ValueError, match="one line"):
        format_fulltext({"notes": "a\nb"}, [Turn("A", "other", "x")])
