"""Edge adapters: the Faust application, Redis mirror, metrics, CLI and offline tools."""
