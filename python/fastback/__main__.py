"""``python -m fastback ...``: the same as the ``fastback`` command."""

import sys

from fastback.cli import main

sys.exit(main())
