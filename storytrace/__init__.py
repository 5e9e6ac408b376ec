"""storytrace: who reported what, who copied whom, who said what, and where sources disagree."""

__version__ = "0.1.0"
