"""Alembic's entry point: migrations run on the connection the store hands over
(config.attributes["connection"]), inside the transaction the store opened
(storyline.storage.schema), so no begin_transaction() here."""
from alembic import context

context.configure(connection=context.config.attributes["connection"], target_metadata=None)
context.run_migrations()
