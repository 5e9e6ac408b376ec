"""Shared language tools: sentence embeddings and the spaCy pipeline, loaded lazily and offline."""
