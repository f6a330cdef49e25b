"""Stage 1, core: the words and rules every stage shares.

Errors and their place in a file, text normalisation and invisible characters,
Japanese numbers, periods and their labels, plans and plan.toml, the vocabulary,
the processed tables' schema, where every folder is (paths), and atomic writes.
Imports nothing of the package outside core.
"""
