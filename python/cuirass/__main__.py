"""``python -m cuirass`` and the ``cuirass`` console script: the Rust command line, unchanged.

Both run ``cuirass::run`` from the same Rust crate as the standalone binary, so there is one
implementation of the CLI, not two.
"""

from __future__ import annotations

import signal
import sys

from cuirass import _native


def main() -> None:
    """Run the ``cuirass`` command line with ``sys.argv`` and exit with its status."""
    # Ctrl-C should stop a scan at once, as it does for the native binary; Python's own handler
    # would only raise KeyboardInterrupt after the Rust code returned.
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stdout.flush()
    # The program name is fixed so usage messages say `cuirass`, not `__main__.py`.
    sys.exit(_native.run(["cuirass", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
