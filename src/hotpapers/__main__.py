"""``python -m hotpapers``: the same as the ``hotpapers`` command."""

import sys

from hotpapers.cli import main

sys.exit(main())
