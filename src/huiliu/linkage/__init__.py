"""Linkage: finding the same person across sides and sources (to be described by the app's owner)."""
