"""Self-contained HTML reports of a store (`storytrace report`, `storytrace demo`)."""

from storytrace.report.render import render_report

__all__ = ["render_report"]
