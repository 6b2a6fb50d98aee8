"""One module per group of operations; each holds a django-ninja ``router``."""
