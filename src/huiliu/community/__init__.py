"""Community: partner units, associations, liaison volunteers, pairings, service agreements (to be described)."""
