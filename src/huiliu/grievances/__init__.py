"""Grievances: complaints, suggestions, rights-protection requests and forums (to be described)."""
