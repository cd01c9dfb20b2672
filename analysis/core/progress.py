"""Progress bars for the steps a user waits for, and one switch to silence them.

One helper, :func:`progress`, wraps ``tqdm`` the same way everywhere (build, extract,
topic-model selection, long bootstrap loops, notebook execution):

* it writes to standard error, so tables and CSV on standard output stay clean for pipes;
* it is shown only on a terminal (the stream's ``isatty()``): in a log file, a CI job, a
  pipe or a notebook kernel there is no bar at all, not a stream of carriage returns;
* it is off when the user asks for quiet: ``quiet=True`` at the call, or the environment
  variable ``ANALYSIS_QUIET`` set to anything but ``""``/``0``/``false``/``no``
  (``python -m analysis --quiet ...`` sets it for the command and the kernels it starts);
* one line per step: each bar stays on its own line when it finishes (``leave=True``), a
  nested bar (``leave=False``) is erased when done.

A progress bar only observes a loop: it never changes what the loop computes (the tests
check that results are identical with the bar shown and hidden).
"""
from __future__ import annotations

import os
import sys

from tqdm import tqdm

QUIET_ENV = "ANALYSIS_QUIET"


def quiet_requested() -> bool:
    """True when ``ANALYSIS_QUIET`` asks for no progress output."""
    return os.environ.get(QUIET_ENV, "").strip().lower() not in ("", "0", "false", "no")


def shown(file=None, quiet: bool | None = None) -> bool:
    """Whether a bar would be drawn on ``file`` (default: standard error) right now."""
    if quiet or (quiet is None and quiet_requested()):
        return False
    stream = sys.stderr if file is None else file
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


def progress(iterable=None, *, desc: str, total: int | None = None, unit: str = "it", quiet: bool | None = None,
             file=None, leave: bool = True, **kwargs) -> tqdm:
    """A ``tqdm`` bar over ``iterable`` (or a manual one with ``total``), following the rules above.

    ``desc`` names the step as the user knows it (``"build"``, ``"select k"``); ``quiet``
    overrides the environment (``True``: never shown; ``False``: shown on a terminal even if
    ``ANALYSIS_QUIET`` is set; ``None``: the environment decides); ``file``: the stream
    (default standard error, looked up at the call so redirections apply). Other keyword
    arguments go to ``tqdm``. Use it as an iterable or a context manager; when hidden it
    costs one attribute check per item.
    """
    stream = sys.stderr if file is None else file
    return tqdm(iterable, desc=desc, total=total, unit=unit, file=stream, leave=leave,
                disable=not shown(stream, quiet), dynamic_ncols=True, **kwargs)


def note(message: str, *, file=None) -> None:
    """Print one line without breaking a bar that is being drawn (``tqdm.write``); default: standard output."""
    tqdm.write(message, file=sys.stdout if file is None else file)
