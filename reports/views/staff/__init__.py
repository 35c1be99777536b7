"""The staff dashboard at /staff/: sign-in, queues, the report workbench."""
