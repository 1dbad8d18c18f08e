"""Measuring the dashboard, outside the app package.

`bench.pages` times every page in AppTest on a demo database of scale N
(cold render, report-date change, warm rerun, SQL alone, peak memory) and
compares the SQL aggregates with reading whole tables into pandas;
`bench.load_test` drives many users against a running server. Targets are
reported in docs/benchmarks.md, never enforced by a timed test.
"""
