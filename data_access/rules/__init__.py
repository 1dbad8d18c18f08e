"""The programme's rules, one home each: where to look to change a rule.

`stages` (a family's stage, "started", "ended" and "active" on a date),
`spend` (the linear plan and the spend status), `access` (roles and what
each may see), `disclosure` (small counts and shares), `measures`
(assessment scales, the baseline window), `calendar` (Copenhagen's today,
months, quarters) and `change_theory` (its levels and measures). Rules are
small functions and SQL expressions; they read no tables on their own.
"""
