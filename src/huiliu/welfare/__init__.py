"""Benefit programmes: rewards owed to family-planning families, special assistance, hardship and left-behind support.

(Being built: see issue 7.)
"""
