"""``python -m analysis``: see :mod:`analysis.cli`."""
import sys

from analysis.cli import main

if __name__ == "__main__":  # not when a worker process started by `--jobs` imports this module
    sys.exit(main())
