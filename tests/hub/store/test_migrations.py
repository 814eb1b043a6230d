from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import hub.store
from tests.factories import store_url

MIGRATIONS = Path(hub.store.__file__).with_name("migrations")


def test_migrating_an_empty_database_creates_every_model_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert tables - {"alembic_version"} == set(SQLModel.metadata.tables)
    assert {"resident", "submission", "delivery", "evidence", "residentevent"} <= tables


def test_migrated_database_is_at_the_newest_revision(engine: Engine, tmp_path: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", store_url(tmp_path))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_migrations_match_the_models_exactly(engine: Engine) -> None:
    # What `alembic revision --autogenerate` would write: nothing, or a model change lacks one.
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
