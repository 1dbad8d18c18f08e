"""What the pages, the presentation and the report ask: small, aggregated answers.

Every function here aggregates in SQL and returns a few rows or figures,
with disclosure control applied for the caller before anything leaves the
data layer. Each takes a `context.QueryContext` (programme, report date,
district, the caller's scope), never a default caller; only look-ups
without filters (programmes, districts, users, loads) take none. One module
per subject: `figures` (every kpis.md figure), `spend` (every money figure
and breakdown), `intake`, `courses`, `caseload`, `outcomes`, `indicators`,
`change_theory`, `programmes`, `reference`, `freshness`, `report`.
"""
