"""Configuration: discovery, pyproject/YAML loading, validation, typed options.

``[tool.fastapi-rules]`` in ``pyproject.toml`` or a ``.fastapi-rules.yaml``, found by
walking up from the scanned path. Every mistake is a ``ConfigError`` naming the file,
the key and what was expected; the CLI turns it into exit status 2.
"""
from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any


from fastapi_rules.options import (
    ERROR_PRESETS,
    ArchitectureOptions,
    AuthOptions,
    BlockingOptions,
    CredentialOptions,
    ErrorOptions,
    IsolationOptions,
    RouteOptions,
    SchemaOptions,
    SecretOptions,
    VersioningOptions,
)

if TYPE_CHECKING:
    import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

YAML_NAME = ".fastapi-rules.yaml"
SECTIONS = {
    "auth": AuthOptions,
    "errors": ErrorOptions,
    "blocking": BlockingOptions,
    "versioning": VersioningOptions,
    "schemas": SchemaOptions,
    "routes": RouteOptions,
    "isolation": IsolationOptions,
    "credentials": CredentialOptions,
    "secrets": SecretOptions,
    "architecture": ArchitectureOptions,
}
TOP_LEVEL_LISTS = ("select", "extend_select", "ignore", "extend_ignore", "exclude", "src")
CODE_LISTS = ("select", "extend_select", "ignore", "extend_ignore")
PER_FILE_IGNORES = "per_file_ignores"
CACHE_DIR = "cache_dir"


class ConfigError(Exception):
    """A configuration problem the user must fix; the message says where and how."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    # (glob, codes) pairs: findings of those codes in matching files are dropped
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    src: tuple[Path, ...] = ()
    auth: AuthOptions = field(default_factory=AuthOptions)
    errors: ErrorOptions = field(default_factory=ErrorOptions)
    blocking: BlockingOptions = field(default_factory=BlockingOptions)
    versioning: VersioningOptions = field(default_factory=VersioningOptions)
    schemas: SchemaOptions = field(default_factory=SchemaOptions)
    routes: RouteOptions = field(default_factory=RouteOptions)
    isolation: IsolationOptions = field(default_factory=IsolationOptions)
    credentials: CredentialOptions = field(default_factory=CredentialOptions)
    secrets: SecretOptions = field(default_factory=SecretOptions)
    architecture: ArchitectureOptions = field(default_factory=ArchitectureOptions)
    cache_dir: Path | None = None  # default: .fastapi_rules_cache beside the config file
    path: Path | None = None  # the file it was read from

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def with_selection(
        self,
        select: tuple[str, ...] | None,
        ignore: tuple[str, ...] | None,
        extend_select: tuple[str, ...] | None = None,
        extend_ignore: tuple[str, ...] | None = None,
    ) -> Config:
        """Command-line codes: ``--select``/``--ignore`` replace the configured lists,
        ``--extend-select``/``--extend-ignore`` add to them (as in ruff)."""
        return dataclasses.replace(
            self,
            select=select if select else self.select,
            ignore=ignore if ignore else self.ignore,
            extend_select=self.extend_select + (extend_select or ()),
            extend_ignore=self.extend_ignore + (extend_ignore or ()),
        )

    def section(self, name: str) -> object:
        return getattr(self, name)


def find_config(start: Path) -> Path | None:
    """The nearest ``.fastapi-rules.yaml`` or ``pyproject.toml`` with our table."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        yaml_file = candidate / YAML_NAME
        if yaml_file.is_file():
            return yaml_file
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_our_table(pyproject):
            return pyproject
    return None


def _has_our_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A broken pyproject.toml that mentions us is still ours: load_config reports it.
        try:
            return "[tool.fastapi-rules" in pyproject.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return isinstance(data.get("tool"), dict) and "fastapi-rules" in data["tool"]


def load_config(path: Path | None, known_codes: tuple[str, ...]) -> Config:
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config: {_one_line(error)}") from None
    if not text.strip():
        raise ConfigError(f"{path}: the file is empty; {_EXPECTED_TABLE} (or delete the file)")
    if path.name.endswith((".yaml", ".yml")):
        import yaml  # noqa: PLC0415 - only a YAML config needs it

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ConfigError(_yaml_error(path, error)) from None
        if data is None:  # only comments
            raise ConfigError(f"{path}: no settings in the file; {_EXPECTED_TABLE} (or delete the file)")
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: the top level is {_type(data)}; {_EXPECTED_TABLE}")
    else:
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(_toml_error(path, error)) from None
        tool = document.get("tool")
        if tool is not None and not isinstance(tool, dict):
            raise ConfigError(f"{path}: `tool`: expected a table, got {_type(tool)}")
        if not tool or "fastapi-rules" not in tool:
            raise ConfigError(
                f"{path}: no [tool.fastapi-rules] table; add one, e.g. "
                f"`[tool.fastapi-rules]` with `select = [\"FAR\"]`"
            )
        data = tool["fastapi-rules"]
        if not isinstance(data, dict):
            raise ConfigError(
                f"{path}: `tool.fastapi-rules`: expected a table of settings, got {_type(data)}"
            )
    return _validate(data, path, known_codes)


_EXPECTED_TABLE = "expected a table of settings such as `select: [FAR]`"
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _toml_error(path: Path, error: Exception) -> str:
    """``path:line:col: invalid TOML: …``; tomllib puts the position in its message."""
    message = _one_line(error)
    match = _TOML_POSITION.search(message)
    if match is None:
        return f"{path}: invalid TOML: {message}"
    return f"{path}:{match[1]}:{match[2]}: invalid TOML: {message[: match.start()]}"


def _yaml_error(path: Path, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is None or problem is None:
        return f"{path}: invalid YAML: {_one_line(error)}"
    context = getattr(error, "context", None)
    detail = f"{problem} ({context})" if context else problem
    return f"{path}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {_one_line(Exception(detail))}"


def _validate(data: dict[str, Any], path: Path, known_codes: tuple[str, ...]) -> Config:
    values: dict[str, Any] = {"path": path}
    for raw_key, value in data.items():
        key = str(raw_key).replace("-", "_")
        if key in TOP_LEVEL_LISTS:
            items = _string_list(value, path, str(raw_key))
            if key == "exclude":
                _check_globs(tuple(item.strip("/") for item in items), path, key)
            if key in CODE_LISTS:
                _check_codes(items, path, str(raw_key), known_codes)
            if key == "src":
                values[key] = tuple((path.parent / item).resolve() for item in items)
            else:
                values[key] = items
        elif key == PER_FILE_IGNORES:
            values[key] = _per_file_ignores(value, path, str(raw_key), known_codes)
        elif key in SECTIONS:
            values[key] = _section(key, value, path)
        elif key == CACHE_DIR:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    f"{path}: `{raw_key}`: expected a directory path such as "
                    f"`.fastapi_rules_cache`, got {_type(value)}"
                )
            values[key] = _cache_dir_inside(path, str(raw_key), value)
        else:
            keys = (*TOP_LEVEL_LISTS, PER_FILE_IGNORES, CACHE_DIR, *SECTIONS)
            raise ConfigError(
                f"{path}: unknown key `{raw_key}`; expected one of "
                + ", ".join(f"`{k.replace('_', '-')}`" for k in keys)
            )
    return Config(**values)


def _cache_dir_inside(path: Path, key: str, value: str) -> Path:
    """A project's configuration names a cache directory below itself: a checkout's
    ``cache-dir = ".."`` must not make the tool write, or prune, outside it."""
    project = path.parent.resolve()
    directory = (project / value).resolve()
    if directory == project or not directory.is_relative_to(project):
        raise ConfigError(
            f"{path}: `{key}`: expected a directory inside the project ({project}), such as "
            f"`.fastapi_rules_cache`, got {value!r}; --cache-dir or FASTAPI_RULES_CACHE_DIR "
            "can place it anywhere"
        )
    return directory


def _check_codes(codes: tuple[str, ...], path: Path, key: str, known_codes: tuple[str, ...]) -> None:
    for code in codes:
        if not code or not any(known.startswith(code) for known in known_codes):
            raise ConfigError(
                f"{path}: `{key}`: unknown rule code {code!r}; expected a code or "
                f"prefix such as FAR201 or FAR2 (see `fastapi-rules rules`)"
            )


def _per_file_ignores(
    value: Any, path: Path, key: str, known_codes: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{"tests/*" = ["FAR201"], "__init__.py" = ["FAR1"]}``: globs to codes, as ruff has it."""
    if not isinstance(value, dict):
        raise ConfigError(
            f"{path}: `{key}`: expected a table of file globs to lists of codes, got {_type(value)}"
        )
    pairs = []
    for glob, codes in value.items():
        dotted = f"{key}.{glob}"
        items = _string_list(codes, path, dotted)
        _check_codes(items, path, dotted, known_codes)
        pairs.append((str(glob), items))
    return tuple(pairs)


def _section(name: str, value: Any, path: Path) -> object:
    options_type = SECTIONS[name]
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: `{name}`: expected a table of options, got {_type(value)}")
    fields = {f.name.rstrip("_"): f for f in dataclasses.fields(options_type)}
    kwargs: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = str(raw_key).replace("-", "_")
        if key not in fields:
            raise ConfigError(
                f"{path}: unknown key `{name}.{raw_key}`; expected one of "
                + ", ".join(f"`{name}.{k}`" for k in fields)
            )
        option = fields[key]
        dotted = f"{name}.{raw_key}"
        if option.type in ("bool",):
            if not isinstance(item, bool):
                raise ConfigError(f"{path}: `{dotted}`: expected true or false, got {_type(item)}")
            kwargs[option.name] = item
        elif option.type == "int":
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                raise ConfigError(
                    f"{path}: `{dotted}`: expected a whole number of at least 1, got {_type(item)}"
                )
            kwargs[option.name] = item
        elif option.type == "str":
            if not isinstance(item, str):
                raise ConfigError(f"{path}: `{dotted}`: expected a string, got {_type(item)}")
            if name == "errors" and key == "preset" and item not in ERROR_PRESETS:
                raise ConfigError(
                    f"{path}: `{dotted}`: expected one of "
                    + ", ".join(ERROR_PRESETS)
                    + f", got {item!r}"
                )
            if name == "versioning" and key == "pattern":
                try:
                    re.compile(item)
                except re.error as error:
                    raise ConfigError(
                        f"{path}: `{dotted}`: expected a regular expression, got {item!r} ({error})"
                    ) from None
            kwargs[option.name] = item
        else:
            kwargs[option.name] = _check_globs(_string_list(item, path, dotted), path, dotted)
    return options_type(**kwargs)


def _check_globs(items: tuple[str, ...], path: Path, key: str) -> tuple[str, ...]:
    """fnmatch accepts any string, so the one invalid glob (or name) is one that can
    match nothing: empty or blank (for ``exclude``, also only slashes, as ``tests/``
    loses its slash)."""
    for item in items:
        if not item.strip():
            raise ConfigError(
                f"{path}: `{key}`: expected non-empty names or glob patterns "
                f"such as `tests/` or `*_pb2.py`, got an empty one"
            )
    return items


def _string_list(value: Any, path: Path, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: `{key}`: expected a list of strings, got {_type(value)}")
    return tuple(value)


def _type(value: Any) -> str:
    return {bool: "a boolean", str: "a string", int: "a number", float: "a number",
            list: "a list", dict: "a table", type(None): "nothing (null)"}.get(type(value), type(value).__name__) + (
        f" ({value!r})" if isinstance(value, (str, int, float, bool)) else ""
    )


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
