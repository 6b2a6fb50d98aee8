"""Who may see or do what. ``rules`` holds the only gates: can, require, visible_cases, case_for."""
