"""Placeholder until its owner writes it."""

routes: list = []
