"""Small shared helpers: money (the one rounding), files, registries."""
