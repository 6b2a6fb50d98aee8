"""Small pure helpers shared by every app: clocks, identifiers, data-directory secrets."""
