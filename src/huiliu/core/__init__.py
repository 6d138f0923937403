"""Shared ground for every app: the base model, domain errors, the personal-data
field types, and validation of ID numbers and phones.

Rules kept here: an ID number is 18 characters with a GB 11643 check digit and an
upper-case X; an ID number or phone leaves the database masked unless a permitted
role asks for one person's page.
"""
