"""Benchmarks: `python -m benchmarks.extract` times and scores the PDF extractor."""
