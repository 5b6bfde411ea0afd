"""Exports: a `Document` written out in the formats other tools read (citations first)."""
