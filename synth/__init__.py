"""Deterministic generator of a synthetic 部门决算 corpus with ground truth and planted faults.

`generate` writes, per department-year, one disclosure file (PDF, DOCX, XLSX or Henan-style
text dump) and a `truth.json` beside it holding every printed figure, the narrative claims,
the member units and the planted faults. See `synth/README.md` for the truth schema.
"""

from synth.corpus import generate

__all__ = ["generate"]
