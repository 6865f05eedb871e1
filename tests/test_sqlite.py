"""The database settings a committed answer's durability rests on, on either backend."""

from sqlalchemy import text


def test_a_commit_is_durable_on_either_database(app, db):
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            # Each commit waits for the log to reach the disk: no acknowledged answer is lost.
            assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
            return

        def pragma(name: str):
            return connection.execute(text(f"PRAGMA {name}")).scalar()

        # NORMAL in WAL mode syncs the log at checkpoints, not at each commit: once COMMIT returns the log
        # is the kernel's, so a commit survives the crash (kill -9) of any process, though not a power cut
        # of the machine (bench/bench_load.py checks that no acknowledged answer is lost after kill -9).
        assert (pragma("journal_mode"), pragma("synchronous")) == ("wal", 1)
        assert (pragma("foreign_keys"), pragma("busy_timeout")) == (1, 5000)
