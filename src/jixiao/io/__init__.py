"""Importers and exporters at the edge: files in, :class:`Dataset` out, and back."""
