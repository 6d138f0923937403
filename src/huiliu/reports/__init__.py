"""Reports: the indicator catalogue, period ledgers over the jurisdiction tree, record lists behind every figure,
charts, Excel export and the `huiliu report` command.

Rules:
- Every figure is computed from the records, never typed in: counted once at the lowest code that holds the record
  and rolled up by division-code prefix, in one columnar pass (DuckDB over Arrow), for every node at once.
- Every figure can be opened to the list of records behind it, and that list is scoped like any other read.
- A user sees ledgers only for jurisdictions in their own subtree; a figure names nobody.
- Figures of closed periods are stored once computed; open periods are computed on demand.
- No figure of births is ever a target (see `indicators.ASSESSABLE`).
"""
