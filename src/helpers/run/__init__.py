"""Stage 5, run: a period end to end.

The pipeline (papermill, staging and the atomic swap), the run fingerprint, the
one command line, and the git filter for notebooks. Imports every stage below.
"""
