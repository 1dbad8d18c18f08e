"""The import format (../shared/contract/bundle.md): read, check, load.

`reader` turns a folder, .zip or .xlsx into text frames, `validation` checks
every cell and rule and names file, line and column, `loader` writes all of
it in one transaction (and refreshes `derived/`), `change_theory` handles the
project's own optional file. A refused bundle leaves the database untouched.
"""
