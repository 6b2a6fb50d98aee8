"""dueprocess: complaints and discipline with a provable record."""
