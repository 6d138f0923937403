"""The happiness project (幸福工程): a rotating micro-loan fund for poor mothers, kept as an exact ledger.

(Being built: see issue 7.)
"""
