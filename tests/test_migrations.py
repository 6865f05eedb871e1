"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import PROJECT
from conftest import test_config as config_for
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from consult import create_app
from consult.extensions import db as _db


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, _db.metadata)


def test_migrated_database_matches_the_models(db):
    with db.engine.connect() as connection:
        differences = _differences(connection)

    assert differences == [], (
        "The models and migrations/versions differ; write a migration "
        "(flask --app wsgi db migrate -m '...', then review it by hand):\n" + "\n".join(map(repr, differences))
    )


def test_migrations_have_one_head_and_the_test_database_is_at_it(db):
    heads = ScriptDirectory(str(PROJECT / "migrations")).get_heads()

    assert len(heads) == 1, f"several heads {heads}: merge them (flask --app wsgi db merge heads)"
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)


def test_upgrade_downgrade_to_base_and_upgrade_again_on_a_fresh_sqlite_file(tmp_path):
    app = create_app(config_for(f"sqlite:///{tmp_path / 'fresh.db'}"))
    tables = set(_db.metadata.tables)

    with app.app_context():
        upgrade()
        assert set(inspect(_db.engine).get_table_names()) == tables | {"alembic_version"}

        downgrade(revision="base")
        assert set(inspect(_db.engine).get_table_names()) == {"alembic_version"}

        upgrade()
        assert set(inspect(_db.engine).get_table_names()) == tables | {"alembic_version"}
        with _db.engine.connect() as connection:
            assert _differences(connection) == []
        _db.engine.dispose()
