"""The division tree: province, city, county, township and village, each a node
named by its 12-digit statistical division code.

Rules: a code is 12 digits, 2 province + 2 city + 2 county + 3 township + 3
village, with zeros below its own level; a node's subtree is the contiguous range
of codes that share its significant prefix, so every "in this subtree" question is
one range comparison on an integer column, never a walk up or down the tree. Real
province, city and county codes come from python-stdnum's GB/T 2260 data.
"""
