"""Huiliu (汇流): one registry of the migrant population, shared by origin and destination."""
