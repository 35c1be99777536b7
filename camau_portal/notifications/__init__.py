"""The outbox every app writes its messages to, and their delivery: the bottom layer.

Apps above (accounts, reports) write rows with ``outbox.queue_emails`` inside their own
transaction; after commit the rows are handed to the send task (``tasks``), which renders and
sends each one once (``delivery``, ``rendering``). Nothing here imports those apps: their
templates get what they need from context processors they register at start-up
(``rendering.register_context_processor``). Each row names its ``channel``: email, or SMS
through ``sms_backends`` (SMPP to the carrier, files in development); ``channels`` sends it.
"""
