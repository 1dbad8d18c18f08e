"""What the pages, the presentation and the report ask: small, aggregated answers.

Every function here aggregates in SQL and returns a few rows or figures,
with disclosure control applied for the caller before anything leaves the
data layer. One module per subject: `figures` (every kpis.md figure),
`spend`, `intake`, `courses`, `caseload`, `outcomes`, `indicators`,
`change_theory`, `programmes`, `reference`, `freshness`, `report`.
"""
