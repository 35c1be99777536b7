"""The outbox every app writes its messages to, and their delivery: the bottom layer.

Apps above (accounts, reports) write rows with ``outbox.queue_emails`` inside their own
transaction; after commit the rows are handed to the send task (``tasks``), which renders and
sends each one once (``delivery``, ``rendering``). Nothing here imports those apps: their
templates get what they need from context processors they register at start-up
(``rendering.register_context_processor``). A second channel (SMS) would be a second renderer
and sender behind the same rows, chosen by a ``channel`` column.
"""
