"""Assessments (目标管理考核): schemes of weighted service indicators with targets, set by a county or higher
office for its subordinate units; each period's scores, ranking and bulletin (通报).

Rules:
- A scheme's indicators come from the reports catalogue and must be assessable: service indicators only
  (feedback and proxy decisions on time, service coverage, grievances resolved on time, data quality). No count
  or rate of births is ever a target, and the actions refuse one.
- Scores are computed from the reports' figures, never typed in; a bulletin states the best and worst units and
  the indicators that moved since the previous period.
- A scheme is seen in the subtree that holds its owner office; it is set and scored only by a county, city or
  province officer whose subtree holds the owner. The units assessed are the owner's children.
- An item scores weight × min(1, value / target), 0 below its floor; an item with nothing to measure is left out and
  the others are scaled to 100 (see `scoring`). Scoring a period again replaces its results in one transaction.
"""
