"""Atomic writes: no temporary file left behind, usual permissions, the umask left alone."""
import os

import pytest

from analysis.core.textio import atomic_write_bytes, atomic_write_text


def test_written_files_get_the_umask_permissions_and_no_leftovers(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "a.txt", "hello\n")
        assert os.umask(0o027) == 0o027  # the write did not change the process umask
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "b.bin"
    atomic_write_bytes(target, b"old")
    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # fails inside the write
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.bin"]
