"""Batch runs (placeholder on the ``report`` branch: the ``batch`` branch
owns this file; the report lives in :mod:`fastback.batch.report`)."""
