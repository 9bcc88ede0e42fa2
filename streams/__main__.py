"""``python -m streams`` runs the ticket-router CLI."""

import sys

from streams.cli.main import main

sys.exit(main())
