"""Tables the loader derives from the bundle, so page queries stay small.

Each module builds one derived table inside the load's transaction
(`refresh_*`) and offers the expression that reads it: SSP levels and
parents' employment over time, stage changes per month, course-month
averages. They follow the rules in `rules/`; pages never write them.
"""
