"""Imports: spreadsheets and CSV in and out, census reconciliation (to be described by the app's owner)."""
