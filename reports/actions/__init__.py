"""Every write to reports goes through a function in this package (see DESIGN.md), one module
per domain: ``submission``, ``handling``, ``photos``, ``moderation``..."""
