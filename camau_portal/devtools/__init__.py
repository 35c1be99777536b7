"""Development tools: demo data, the embedded runner, the mail viewer and the benchmarks.

Installed only outside production (see ``settings.INSTALLED_APPS``), with its own dependencies
in the ``dev`` extra, so a production install neither loads nor needs any of it.
"""
