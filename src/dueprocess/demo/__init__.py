"""The fictional demo organisation: personas, a membership register and a real backlog."""
