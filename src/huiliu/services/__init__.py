"""Voluntary services (to be described by the app's owner)."""
