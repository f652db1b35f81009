"""Settings from ORTHO_* variables and the master keyring (env or generated key file)."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from adapters.db.keyring import KEY_FILE_NAME, load_keyring
from api.settings import Settings, SettingsError


def test_defaults_use_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    s = Settings.from_env({"ORTHO_DATA_DIR": str(tmp_path)})
    assert s.effective_database_url == f"sqlite+pysqlite:///{tmp_path.resolve()}/ortho-fiscal.sqlite3"
    assert (s.host, s.port, s.max_body_bytes, s.run_migrations) == ("127.0.0.1", 8000, 1024 * 1024, True)


def test_environment_and_overrides(tmp_path: Path) -> None:
    env = {"ORTHO_DATABASE_URL": "postgresql://u@h/db", "ORTHO_PORT": "9000", "ORTHO_MAX_BODY_BYTES": "4096",
           "ORTHO_RUN_MIGRATIONS": "0", "ORTHO_DB_POOL_SIZE": "20"}
    s = Settings.from_env(env, port=9100, data_dir=str(tmp_path), host=None)
    assert (s.effective_database_url, s.port, s.max_body_bytes, s.run_migrations, s.db_pool_size) == (
        "postgresql://u@h/db", 9100, 4096, False, 20)
    assert s.host == "127.0.0.1" and s.data_dir == str(tmp_path)


def test_hot_path_settings_default_to_no_access_log_and_a_two_second_key_memory() -> None:
    s = Settings.from_env({})
    assert (s.access_log, s.apikey_cache_s) == (False, 2)
    s = Settings.from_env({"ORTHO_ACCESS_LOG": "1", "ORTHO_APIKEY_CACHE_S": "0"})
    assert (s.access_log, s.apikey_cache_s) == (True, 0)


@pytest.mark.parametrize("name,value", [("ORTHO_PORT", "http"), ("ORTHO_PORT", "70000"), ("ORTHO_MAX_BODY_BYTES", "1"),
                                        ("ORTHO_ACCESS_LOG", "talvez"), ("ORTHO_APIKEY_CACHE_S", "61")])
def test_invalid_values_are_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_keyring_from_environment(tmp_path: Path) -> None:
    k1, k2 = (base64.b64encode(bytes([i]) * 32).decode() for i in (1, 2))
    ring = load_keyring({"ORTHO_MASTER_KEYS": f"a:{k1},b:{k2}"}, tmp_path)
    assert ring.active_id == "b" and set(ring.keys) == {"a", "b"}
    pinned = load_keyring({"ORTHO_MASTER_KEYS": f"a:{k1},b:{k2}", "ORTHO_MASTER_KEY_ACTIVE": "a"}, tmp_path)
    assert pinned.active_id == "a"
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_generated_key_file_is_private_and_stable(tmp_path: Path) -> None:
    first = load_keyring({}, tmp_path / "data")
    path = tmp_path / "data" / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_keyring({}, tmp_path / "data")
    assert again.active_id == first.active_id and again.keys == first.keys


def test_the_database_pool_defaults_to_one_connection_per_request_thread_plus_the_background_workers() -> None:
    # Fewer pooled connections than request threads: SQLAlchemy opens overflow connections under load
    # and closes each on check-in (a new PostgreSQL backend per request).
    assert (Settings.from_env({}).api_threads, Settings.from_env({}).db_pool_size) == (20, 24)
    assert Settings.from_env({"ORTHO_API_THREADS": "8"}).db_pool_size == 12
    assert Settings.from_env({"ORTHO_API_THREADS": "8", "ORTHO_DB_POOL_SIZE": "5"}).db_pool_size == 5
