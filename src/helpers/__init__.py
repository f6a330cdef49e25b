"""Helpers for the reform-plan progress workbook (行財政改革 進捗状況ワークブック).

The code is in stage folders that import only downward (docs/architecture.md;
``make lint`` checks it with import-linter): ``core`` ← ``ingest`` ← ``analysis``
← ``cycle`` | ``present`` ← ``run`` ← ``notebook`` (the notebooks' one door).
"""

__version__ = "0.1.0"
