"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import PROJECT
from conftest import test_config as config_for
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

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


def test_the_facilitator_role_arrives_without_touching_accounts_sessions_or_answers(tmp_path):
    """0019 widens the role check in place on SQLite: copying the users table would, with foreign keys on,
    delete every session and strip every answer of its author."""
    app = create_app(config_for(f"sqlite:///{tmp_path / 'existing.db'}"))
    with app.app_context():
        upgrade(revision="0017")
        with _db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (id, pseudonym, pseudonym_key, role, locale, active, created_at) "
                "VALUES (1, 'Ama', 'ama', 'participant', 'en', 1, '2026-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO user_sessions (token_hash, user_id, created_at, last_seen_at) "
                "VALUES ('abc', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO consultations (id, slug, title, description, source_language, opens_at, closes_at, "
                "status, created_at) VALUES (1, 'c', 'C', '', 'en', '2026-01-01 00:00:00', '2026-01-02 00:00:00', "
                "'published', '2026-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO questions (id, consultation_id, position, prompt, max_length) VALUES (1, 1, 1, 'Q?', 100)"
            )
            connection.exec_driver_sql(
                "INSERT INTO submissions (question_id, author_id, body, language, status, created_at) "
                "VALUES (1, 1, 'Mine', 'en', 'pending', '2026-01-01 01:00:00')"
            )

        upgrade()

        with _db.engine.begin() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM user_sessions").scalar() == 1
            assert connection.exec_driver_sql("SELECT author_id FROM submissions").scalar() == 1
            connection.exec_driver_sql(
                "INSERT INTO users (pseudonym, pseudonym_key, role, locale, active, created_at) "
                "VALUES ('Teacher', 'teacher', 'facilitator', 'en', 1, '2026-01-01 00:00:00')"
            )
        with pytest.raises(IntegrityError), _db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (pseudonym, pseudonym_key, role, locale, active, created_at) "
                "VALUES ('Boss', 'boss', 'emperor', 'en', 1, '2026-01-01 00:00:00')"
            )
        with _db.engine.connect() as connection:
            assert _differences(connection) == []
        _db.engine.dispose()
