"""The demo database: the seed documents' real budgets plus synthetic families.

`bundle.build_demo_bundle` makes a bundle in memory and `bundle.write_demo`
loads it through the ordinary loader. Only the command line
(`python -m data_access demo`) and the tests use this package; the running
app never imports it.
"""
