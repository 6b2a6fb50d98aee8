"""The REST API (``/api/v1/``): personal tokens, problem details, and thin endpoints over the
same services and queries the staff web app uses. No rule lives here."""
