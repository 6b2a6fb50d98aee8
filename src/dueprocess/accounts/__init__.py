"""Organisations, staff accounts, role memberships and declarations of interest."""
