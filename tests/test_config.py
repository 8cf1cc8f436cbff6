from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path
from typing import IO, Any

import pytest
from werkzeug.utils import ImportStringError

from minflask.config import Config, ConfigAttribute


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Drop inherited FLASK_* variables so prefixed-env tests see only theirs."""
    for key in list(os.environ):
        if key.startswith("FLASK_"):
            monkeypatch.delenv(key)
    return monkeypatch


def test_init_defaults_and_root_path(tmp_path: Path) -> None:
    defaults = {"A": 1}
    config = Config(tmp_path, defaults)
    assert config.root_path == tmp_path
    assert config == {"A": 1}
    config["B"] = 2
    assert defaults == {"A": 1}
    assert Config("/x") == {}
    assert isinstance(config, dict)


def test_repr() -> None:
    assert repr(Config(".", {"A": 1})) == "<Config {'A': 1}>"

    class Sub(Config):
        pass

    assert repr(Sub(".")) == "<Sub {}>"


def test_from_mapping_uppercase_only_and_kwargs_win() -> None:
    config = Config(".")
    assert config.from_mapping({"A": 1, "lower": 2, "Mixed": 3, "C_1": 4}, D=5) is True
    assert config == {"A": 1, "C_1": 4, "D": 5}
    config.from_mapping({"A": 1}, A=2)
    assert config["A"] == 2
    assert config.from_mapping() is True
    assert config == {"A": 2, "C_1": 4, "D": 5}


def test_from_mapping_rejects_two_positional_mappings() -> None:
    with pytest.raises(TypeError):
        Config(".").from_mapping({"A": 1}, {"B": 2})  # type: ignore[call-arg]


def test_from_object_class_and_module() -> None:
    class Settings:
        DEBUG = True
        SECRET_KEY = "s"
        helper = "ignored"

    config = Config(".")
    assert config.from_object(Settings) is None  # type: ignore[func-returns-value]
    assert config == {"DEBUG": True, "SECRET_KEY": "s"}

    module = types.ModuleType("settings_mod")
    module.TESTING = True  # type: ignore[attr-defined]
    module.other = 1  # type: ignore[attr-defined]
    config.from_object(module)
    assert config["TESTING"] is True
    assert "other" not in config


def test_from_object_reads_attributes_not_dict_keys() -> None:
    config = Config(".")
    config.from_object({"A": 1})
    assert config == {}


def test_from_object_import_string(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("minflask_test_cfg_mod")
    module.FROM_STRING = "yes"  # type: ignore[attr-defined]

    class Nested:
        NESTED = 42

    module.Nested = Nested  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "minflask_test_cfg_mod", module)
    config = Config(".")
    config.from_object("minflask_test_cfg_mod")
    config.from_object("minflask_test_cfg_mod.Nested")
    assert config == {"FROM_STRING": "yes", "NESTED": 42}


def test_from_object_bad_import_string() -> None:
    with pytest.raises(ImportStringError):
        Config(".").from_object("no_such_module_for_minflask_tests")


def test_from_pyfile_relative_to_root(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "import os\nDEBUG = True\nlower = 1\nPATH = __file__\nNAME = __name__\n"
    )
    config = Config(tmp_path)
    assert config.from_pyfile("settings.py") is True
    expected_path = os.path.join(tmp_path, "settings.py")
    assert config == {"DEBUG": True, "PATH": expected_path, "NAME": "config"}


def test_from_pyfile_absolute_and_pathlike(tmp_path: Path) -> None:
    target = tmp_path / "abs.cfg"
    target.write_text("X = 1\n")
    config = Config("/somewhere/else")
    assert config.from_pyfile(target) is True
    assert config.from_pyfile(str(target)) is True
    assert config == {"X": 1}


def test_from_pyfile_missing_names_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as exc_info:
        Config(tmp_path).from_pyfile("missing.cfg")
    message = str(exc_info.value)
    assert message.startswith(
        "[Errno 2] Unable to load configuration file (No such file or directory):"
    )
    assert message.endswith("missing.cfg'")
    assert exc_info.value.filename == os.path.join(tmp_path, "missing.cfg")


def test_from_pyfile_silent(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    config = Config(tmp_path)
    assert config.from_pyfile("missing.cfg", silent=True) is False
    assert config.from_pyfile(tmp_path, silent=True) is False  # EISDIR
    assert config.from_pyfile("plain/inner.cfg", silent=True) is False  # ENOTDIR
    assert config == {}


def test_from_pyfile_directory_not_silent(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match="Unable to load configuration file"):
        Config(tmp_path).from_pyfile(tmp_path)


def test_from_pyfile_propagates_code_errors(tmp_path: Path) -> None:
    (tmp_path / "syntax.py").write_text("A = (\n")
    (tmp_path / "boom.py").write_text("A = 1\nraise ValueError('boom')\n")
    config = Config(tmp_path)
    with pytest.raises(SyntaxError) as exc_info:
        config.from_pyfile("syntax.py")
    assert exc_info.value.filename == os.path.join(tmp_path, "syntax.py")
    with pytest.raises(ValueError, match="boom"):
        config.from_pyfile("boom.py", silent=True)
    assert config == {}


def test_from_envvar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "env.cfg").write_text("FROM_ENV = 'ok'\n")
    monkeypatch.setenv("MINFLASK_TEST_SETTINGS", str(tmp_path / "env.cfg"))
    config = Config(".")
    assert config.from_envvar("MINFLASK_TEST_SETTINGS") is True
    assert config == {"FROM_ENV": "ok"}


def test_from_envvar_relative_to_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "env.cfg").write_text("REL = 1\n")
    monkeypatch.setenv("MINFLASK_TEST_SETTINGS", "env.cfg")
    config = Config(tmp_path)
    config.from_envvar("MINFLASK_TEST_SETTINGS")
    assert config == {"REL": 1}


@pytest.mark.parametrize("value", [None, ""])
def test_from_envvar_unset_names_variable(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("MINFLASK_TEST_SETTINGS", raising=False)
    else:
        monkeypatch.setenv("MINFLASK_TEST_SETTINGS", value)
    config = Config(".")
    with pytest.raises(RuntimeError, match="'MINFLASK_TEST_SETTINGS' is not set"):
        config.from_envvar("MINFLASK_TEST_SETTINGS")
    assert config.from_envvar("MINFLASK_TEST_SETTINGS", silent=True) is False


def test_from_envvar_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINFLASK_TEST_SETTINGS", str(tmp_path / "nope.cfg"))
    config = Config(".")
    with pytest.raises(OSError) as exc_info:
        config.from_envvar("MINFLASK_TEST_SETTINGS")
    message = str(exc_info.value)
    assert "Unable to load configuration file (No such file or directory)" in message
    assert message.endswith("nope.cfg'")
    assert config.from_envvar("MINFLASK_TEST_SETTINGS", silent=True) is False


def test_from_prefixed_env_json_values(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FLASK_STRING", "value")
    clean_env.setenv("FLASK_BOOL", "true")
    clean_env.setenv("FLASK_INT", "1")
    clean_env.setenv("FLASK_FLOAT", "1.5")
    clean_env.setenv("FLASK_LIST", "[1, 2]")
    clean_env.setenv("FLASK_DICT", '{"k": "v"}')
    clean_env.setenv("FLASK_lower", "null")
    clean_env.setenv("FLASKX", "1")
    clean_env.setenv("OTHER_KEY", "1")
    config = Config(".")
    assert config.from_prefixed_env() is True
    assert config == {
        "STRING": "value",
        "BOOL": True,
        "INT": 1,
        "FLOAT": 1.5,
        "LIST": [1, 2],
        "DICT": {"k": "v"},
        "lower": None,
    }


def test_from_prefixed_env_custom_prefix_and_loads(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("FLASK_A", "1")
    clean_env.setenv("APP_A", "1")
    clean_env.setenv("APP_B", "x")
    config = Config(".")
    config.from_prefixed_env("APP", loads=lambda s: s * 2)
    assert config == {"A": "11", "B": "xx"}


def test_from_prefixed_env_failing_loads_keeps_string(
    clean_env: pytest.MonkeyPatch,
) -> None:
    def broken(value: str) -> object:
        raise ValueError(value)

    clean_env.setenv("FLASK_A", "1")
    config = Config(".")
    config.from_prefixed_env(loads=broken)
    assert config == {"A": "1"}


def test_from_prefixed_env_nested(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FLASK_EXIST__ok", "other")
    clean_env.setenv("FLASK_EXIST__inner__ik", "2")
    clean_env.setenv("FLASK_EXIST__new__more", '{"k": false}')
    clean_env.setenv("FLASK_NEW__K", "v")
    config = Config(".", {"EXIST": {"ok": "value", "flag": True, "inner": {"ik": 1}}})
    config.from_prefixed_env()
    assert config == {
        "EXIST": {
            "ok": "other",
            "flag": True,
            "inner": {"ik": 2},
            "new": {"more": {"k": False}},
        },
        "NEW": {"K": "v"},
    }


def test_from_prefixed_env_sorted_parent_first(clean_env: pytest.MonkeyPatch) -> None:
    # FLASK_DB sorts before FLASK_DB__PORT, so the nested key lands in its dict.
    clean_env.setenv("FLASK_DB__PORT", "5432")
    clean_env.setenv("FLASK_DB", '{"HOST": "h"}')
    config = Config(".")
    config.from_prefixed_env()
    assert config == {"DB": {"HOST": "h", "PORT": 5432}}


def test_from_prefixed_env_nested_into_non_dict(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FLASK_NAME__PART", "1")
    config = Config(".", {"NAME": "plain string"})
    with pytest.raises(TypeError):
        config.from_prefixed_env()


def test_from_file_json(tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text('{"SECRET_KEY": "k", "lower": 1}')
    config = Config(tmp_path)
    assert config.from_file("c.json", json.load) is True
    assert config == {"SECRET_KEY": "k"}


def test_from_file_text_flag_picks_mode(tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text('{"TESTING": true}')
    seen: list[type] = []

    def load(f: IO[Any]) -> dict[str, Any]:
        data = f.read()
        seen.append(type(data))
        result: dict[str, Any] = json.loads(data)
        return result

    config = Config(tmp_path)
    assert config.from_file(tmp_path / "c.json", load, text=False) is True
    assert config.from_file("c.json", load) is True
    assert seen == [bytes, str]
    assert config == {"TESTING": True}


def test_from_file_missing_names_file(tmp_path: Path) -> None:
    config = Config(tmp_path)
    with pytest.raises(FileNotFoundError) as exc_info:
        config.from_file("missing.json", json.load)
    message = str(exc_info.value)
    assert message.startswith(
        "[Errno 2] Unable to load configuration file (No such file or directory):"
    )
    assert message.endswith("missing.json'")


def test_from_file_silent(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    config = Config(tmp_path)
    assert config.from_file("missing.json", json.load, silent=True) is False
    assert config.from_file(tmp_path, json.load, silent=True) is False
    # Unlike from_pyfile, a file used as a directory is still an error here.
    with pytest.raises(NotADirectoryError, match="Unable to load configuration file"):
        config.from_file("plain/inner.json", json.load, silent=True)


def test_from_file_load_errors_propagate(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(json.JSONDecodeError):
        Config(tmp_path).from_file("bad.json", json.load, silent=True)


@pytest.fixture
def namespaced() -> Config:
    return Config(
        ".",
        {
            "IMAGE_STORE_TYPE": "fs",
            "IMAGE_STORE_PATH": "/var/app/images",
            "IMAGE_STORE_BASE_URL": "http://img.website.com",
            "OTHER": 1,
        },
    )


def test_get_namespace_default(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE_") == {
        "type": "fs",
        "path": "/var/app/images",
        "base_url": "http://img.website.com",
    }


def test_get_namespace_keep_case(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE_", lowercase=False) == {
        "TYPE": "fs",
        "PATH": "/var/app/images",
        "BASE_URL": "http://img.website.com",
    }


def test_get_namespace_untrimmed(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE_", trim_namespace=False) == {
        "image_store_type": "fs",
        "image_store_path": "/var/app/images",
        "image_store_base_url": "http://img.website.com",
    }
    assert namespaced.get_namespace(
        "IMAGE_STORE_", lowercase=False, trim_namespace=False
    ) == {
        "IMAGE_STORE_TYPE": "fs",
        "IMAGE_STORE_PATH": "/var/app/images",
        "IMAGE_STORE_BASE_URL": "http://img.website.com",
    }


def test_get_namespace_prefix_is_literal(namespaced: Config) -> None:
    assert namespaced.get_namespace("IMAGE_STORE")["_type"] == "fs"
    assert namespaced.get_namespace("image_store_") == {}


class Owner:
    """Minimal stand-in for the app: anything with a ``config`` mapping."""

    testing = ConfigAttribute[bool]("TESTING")
    port = ConfigAttribute[int]("PORT", get_converter=int)

    def __init__(self) -> None:
        self.config = Config(".", {"TESTING": False, "PORT": "8000"})


def test_config_attribute_get_set() -> None:
    owner = Owner()
    assert owner.testing is False
    owner.testing = True
    assert owner.config["TESTING"] is True
    assert owner.testing is True
    owner.config["TESTING"] = False
    assert owner.testing is False


def test_config_attribute_converter() -> None:
    owner = Owner()
    assert owner.port == 8000
    owner.port = "9000"
    # The converter runs on read only; the raw value is stored.
    assert owner.config["PORT"] == "9000"
    assert owner.port == 9000


def test_config_attribute_on_class_returns_descriptor() -> None:
    descriptor = Owner.__dict__["testing"]
    assert Owner.testing is descriptor
    assert isinstance(descriptor, ConfigAttribute)
    assert descriptor.__name__ == "TESTING"
    assert descriptor.get_converter is None


def test_config_attribute_missing_key() -> None:
    owner = Owner()
    del owner.config["TESTING"]
    with pytest.raises(KeyError, match="TESTING"):
        _ = owner.testing
