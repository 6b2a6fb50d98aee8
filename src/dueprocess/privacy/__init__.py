"""Privacy: what is held about one person, and the subject access export that tells them
(``subject_access``). See ``docs/privacy.md``."""
