"""Every write to reports goes through a function in this package (see DESIGN.md)."""
