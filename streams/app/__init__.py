"""The streaming worker: Faust app, processors, tables, ticks, Redis view, metrics.

Build the app with :func:`streams.app.app.build_app` (never at import time).
"""
