"""The tool on a checkout that wants to hurt whoever scans it.

Each test lays out a whole temporary tree (the scanned project, its neighbours, the
user's cache directory), runs the tool, and compares a listing of every path with
its type, mode, owner, size and content before and after: nothing may change but
the outputs the test expects. Where the platform allows, the tool runs as an
unprivileged user, as it does in an editor or a CI job.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_fixture, environment_without_cache_dir
from fastapi_rules import cache as cache_module
from fastapi_rules import cache_home
from fastapi_rules.api import cache_directory, config_for
from fastapi_rules.cache import CACHE_DIRECTORY_NAME, Cache, _OwnTypes
from fastapi_rules.config import Config
from fastapi_rules.engine import lint
from fastapi_rules.incremental import open_cache
from fastapi_rules.result import LintResult

Listing = dict[str, tuple[object, ...]]


def listing(root: Path, skip: tuple[Path, ...] = ()) -> Listing:
    """Every path under ``root`` (links not followed) with what a change would touch."""
    found: Listing = {}
    for directory, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(directory, name)
            if any(path == s or s in path.parents for s in skip):
                continue
            status = path.lstat()
            if stat.S_ISLNK(status.st_mode):
                content: object = os.readlink(path)
            elif stat.S_ISREG(status.st_mode):
                content = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                content = None
            found[str(path.relative_to(root))] = (
                stat.S_IFMT(status.st_mode), stat.S_IMODE(status.st_mode), status.st_uid,
                status.st_gid, status.st_size if content is not None else 0, status.st_nlink, content,
            )
        folders[:] = [f for f in folders if not Path(directory, f).is_symlink()]
    return found


def changed(before: Listing, after: Listing) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _unprivileged() -> tuple[list[str], dict[str, str]] | None:
    """An interpreter and environment that run the tool as ``nobody``, when this
    process is root and such a user can run it; else None (the tests run as we are)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import sysconfig

    paths = os.pathsep.join([str(Path(__file__).resolve().parent.parent), sysconfig.get_paths()["purelib"]])
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for interpreter in (sys.executable, f"/usr/bin/{minor}", f"/usr/local/bin/{minor}"):
        try:
            probe = subprocess.run(
                [interpreter, "-c", "import fastapi_rules.cli, libcst, yaml, click"],
                env={"PYTHONPATH": paths, "PATH": os.environ.get("PATH", "")},
                capture_output=True, user="nobody", group="nogroup", timeout=60, check=False,
            )
        except OSError:  # not there, or not for this user to run
            continue
        if probe.returncode == 0:
            return [interpreter], {"PYTHONPATH": paths}
    return None


try:
    UNPRIVILEGED = _unprivileged()
except (OSError, KeyError, subprocess.SubprocessError):
    UNPRIVILEGED = None


def run_tool(args: list[str], cwd: Path, home: Path, extra_env: dict[str, str] | None = None,
             as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**environment_without_cache_dir(), "XDG_CACHE_HOME": str(home), **(extra_env or {})}
    command = [sys.executable]
    options: dict[str, object] = {}
    if as_nobody and UNPRIVILEGED is not None:
        command, extra = UNPRIVILEGED
        env = {**env, **extra, "HOME": str(home)}
        options = {"user": "nobody", "group": "nogroup"}
    return subprocess.run(
        [*command, "-m", "fastapi_rules", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=180, check=False, **options,  # type: ignore[call-overload]
    )


def _give_to_nobody(root: Path) -> None:
    if UNPRIVILEGED is None:
        return
    import grp
    import pwd

    uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    for directory, folders, files in os.walk(root):
        os.lchown(directory, uid, gid)
        for name in folders + files:
            os.lchown(Path(directory, name), uid, gid)


@pytest.fixture
def workspace() -> Iterator[Path]:
    """Repositories side by side, as in a developer's ``~/src``, and a user cache home
    outside them, in a folder the unprivileged user can reach (pytest's is private)."""
    tmp_path = Path(tempfile.mkdtemp(prefix="fastapi-rules-hostile-"))
    tmp_path.chmod(0o755)
    yield _lay_out(tmp_path)
    shutil.rmtree(tmp_path, ignore_errors=True)


def _lay_out(tmp_path: Path) -> Path:
    repos = tmp_path / "repos"
    for sibling in ("other-repo", "notes"):
        (repos / sibling / "docs").mkdir(parents=True)
        (repos / sibling / "docs" / "index.md").write_text("# keep me\n")
        (repos / sibling / "main.py").write_text("print('hello')\n")
    project = repos / "project"
    copy_fixture(FIXTURES / "sample_app", project)
    for folder in ("docs", "migrations", "scripts", "frontend"):
        (project / folder).mkdir()
        (project / folder / "README.md").write_text(f"{folder}\n")
    (tmp_path / "home").mkdir()
    return tmp_path


def _set_cache_dir(project: Path, value: str) -> None:
    config = project / "pyproject.toml"
    config.write_text(config.read_text() + f"\n[tool.fastapi-rules]\ncache-dir = {value!r}\n"
                      if "[tool.fastapi-rules]" not in config.read_text()
                      else config.read_text().replace("[tool.fastapi-rules]\n",
                                                      f"[tool.fastapi-rules]\ncache-dir = {value!r}\n", 1))


# -- 1. the cache deletes nothing it did not make ----------------------------------------
@pytest.mark.parametrize("value", ["..", "../other-repo", "../..", ".", "/"])
def test_a_checkout_cannot_point_the_cache_outside_itself(workspace: Path, value: str) -> None:
    project = workspace / "repos" / "project"
    _set_cache_dir(project, value)
    _give_to_nobody(workspace)
    before = listing(workspace, skip=(workspace / "home",))
    result = run_tool(["scan", "."], project, workspace / "home", as_nobody=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "pyproject.toml: `cache-dir`: expected a directory inside the project" in result.stderr
    assert changed(before, listing(workspace, skip=(workspace / "home",))) == []


@pytest.mark.parametrize("how", ["flag", "variable"])
def test_a_cache_dir_with_other_content_is_refused_and_kept(workspace: Path, how: str) -> None:
    project = workspace / "repos" / "project"
    _give_to_nobody(workspace)
    before = listing(workspace, skip=(workspace / "home",))
    args, env = (["scan", "--cache-dir", ".", "."], {}) if how == "flag" else (
        ["scan", "."], {"FASTAPI_RULES_CACHE_DIR": "."})
    result = run_tool(args, project, workspace / "home", env, as_nobody=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert "not a fastapi-rules cache" in result.stderr and ("--cache-dir" if how == "flag" else "FASTAPI_RULES_CACHE_DIR") in result.stderr
    assert changed(before, listing(workspace, skip=(workspace / "home",))) == []


def test_pruning_removes_only_entries_the_tool_signed(workspace: Path) -> None:
    project = workspace / "repos" / "project"
    outside = workspace / "outside"
    (outside / "files").mkdir(parents=True)
    (outside / "files" / ("a" * 64 + "-" + "b" * 16 + ".pickle")).write_bytes(b"someone's data")
    root = workspace / "cache"
    run_tool(["scan", "--cache-dir", str(root), "."], project, workspace / "home")
    assert cache_home.is_tagged(root)
    # someone else's things inside the tagged directory, some named as the tool names its own
    planted = {
        "notes.txt": b"mine",
        "0123456789abcdef0123/files/" + "c" * 64 + "-" + "d" * 16 + ".pickle": b"not signed",
        "0123456789abcdef0123/manifest.pickle": b"not signed",
        "0123456789abcdef0123/README": b"mine",
        "fedcba9876543210fedc/runs/" + "e" * 64 + ".pickle": b"not signed",
    }
    for name, data in planted.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "abcdefabcdefabcdef12").symlink_to(outside, target_is_directory=True)
    (key_directory,) = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                        and p.name not in ("0123456789abcdef0123", "fedcba9876543210fedc")]
    (key_directory / "files" / ("f" * 64 + "-" + "0" * 16 + ".pickle")).write_bytes(b"not signed")
    for name in ("0123456789abcdef0123", "fedcba9876543210fedc"):
        os.utime(root / name, ns=(0, 0))  # the oldest: first in line for pruning
    foreign = listing(root)
    outside_before = listing(outside)
    # five more analysis keys: the tool prunes its own older key directories each time
    config = project / "pyproject.toml"
    original = config.read_text()
    for number in range(5):
        config.write_text(original + f"\n[tool.fastapi-rules.blocking]\nextra = ['m{number}.f']\n")
        result = run_tool(["scan", "--cache-dir", str(root), "."], project, workspace / "home")
        assert result.returncode == 1, result.stderr
    after = listing(root)
    for name in foreign:
        if name.startswith(key_directory.name) and not name.endswith("0" * 16 + ".pickle") and name != key_directory.name + "/files":
            continue  # the tool's own first key directory: pruned by now
        assert name in after, name
        if not stat.S_ISDIR(foreign[name][0]):  # type: ignore[arg-type]
            assert after[name] == foreign[name], name
    assert not (key_directory / "manifest.pickle").exists()  # its own entries did go
    assert listing(outside) == outside_before
    own_keys = [p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and (p / "manifest.pickle").exists()]
    assert len(own_keys) == 4


def test_a_project_without_a_configuration_caches_in_the_user_directory(workspace: Path) -> None:
    project = workspace / "repos" / "project"
    (project / "pyproject.toml").unlink()
    _give_to_nobody(workspace)
    before = listing(workspace / "repos")
    result = run_tool(["scan", "."], project, workspace / "home", as_nobody=True)
    assert result.returncode == 1, result.stderr
    assert changed(before, listing(workspace / "repos")) == []
    (tagged,) = (workspace / "home" / "fastapi-rules" / "projects").iterdir()
    assert cache_home.is_tagged(tagged)
    key = workspace / "home" / "fastapi-rules" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700


def test_a_read_only_project_caches_in_the_user_directory(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = workspace / "repos" / "project"
    monkeypatch.setenv("XDG_CACHE_HOME", str(workspace / "home"))
    monkeypatch.delenv("FASTAPI_RULES_CACHE_DIR", raising=False)
    config = config_for([project])
    assert cache_directory(config) == project / CACHE_DIRECTORY_NAME
    monkeypatch.setattr(cache_module.os, "access", lambda *args, **kwargs: False)
    assert (workspace / "home" / "fastapi-rules" / "projects") in cache_directory(config).parents


def test_a_cache_folder_linking_out_of_the_project_is_not_used(workspace: Path) -> None:
    project = workspace / "repos" / "project"
    (project / CACHE_DIRECTORY_NAME).symlink_to(workspace / "repos" / "notes", target_is_directory=True)
    before = listing(workspace / "repos")
    result = run_tool(["scan", "."], project, workspace / "home")
    assert result.returncode == 1, result.stderr
    assert changed(before, listing(workspace / "repos")) == []
    assert (workspace / "home" / "fastapi-rules" / "projects").is_dir()


# -- 2. nothing in a cache file runs ------------------------------------------------------
MARKER_NAME = "planted-payload-ran"


def _payloads(marker: Path) -> dict[str, bytes]:
    """Pickles that run a command or evaluate code when loaded without an allow-list."""
    command = f"touch {marker}".encode()

    def unicode(text: bytes) -> bytes:
        return b"\x8c" + bytes([len(text)]) + text  # SHORT_BINUNICODE

    dotted = (b"\x80\x04" + unicode(b"fastapi_rules.cache") + unicode(b"os.system") + b"\x93"  # STACK_GLOBAL
              + unicode(command) + b"\x85R.")  # TUPLE1, REDUCE, STOP
    dotted_engine = (b"\x80\x04" + unicode(b"fastapi_rules.engine") + unicode(b"os.system") + b"\x93"
                     + unicode(command) + b"\x85R.")
    evaluated = (b"cbuiltins\neval\n(V__import__('os').system(" + repr(command.decode()).encode()
                 + b")\ntR.")  # GLOBAL, MARK, UNICODE, TUPLE, REDUCE
    imported_name = (b"\x80\x04" + unicode(b"fastapi_rules.scan") + unicode(b"os") + b"\x93"
                     + unicode(b"call") + b"\x86R.")
    return {"dotted STACK_GLOBAL": dotted, "dotted name in the engine": dotted_engine,
            "REDUCE of builtins.eval": evaluated, "a module the scan imports": imported_name,
            "REDUCE of os.system": pickle.dumps(_System(command.decode()))}


class _System:
    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, ...]:
        return (os.system, (self.command,))


def _sign(key: bytes, root: Path, entry: Path, payload: bytes) -> bytes:
    signer = hmac.new(key, digestmod="sha256")
    signer.update(entry.relative_to(root).as_posix().encode() + b"\0")
    signer.update(payload)
    return signer.digest() + payload


def _lint_cached(project: Path, root: Path, keep_project: bool = False) -> LintResult:
    with open_cache(root, Config()) as cache:
        return lint([project], Config(), cache=cache, keep_project=keep_project)


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.pickle") if p.is_file())


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed-with-the-users-key"])
def test_planted_entries_run_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signed: bool) -> None:
    """Unsigned entries are misses; entries signed with the user's own key (as if it
    leaked) still meet the allow-list, which takes no dotted name and no function."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    cache_home.signing_key.cache_clear()
    project = tmp_path / "app"
    copy_fixture(FIXTURES / "sample_app", project)
    root = tmp_path / "cache"
    cold = lint([project], Config()).findings
    _lint_cached(project, root)
    marker = tmp_path / MARKER_NAME
    key = cache_home.signing_key()
    assert key is not None
    for name, payload in _payloads(marker).items():
        for entry in _entries(root):
            entry.write_bytes(_sign(key, root, entry, payload) if signed else payload)
        assert _lint_cached(project, root).findings == cold, name
        assert not marker.exists(), name
    cache_home.signing_key.cache_clear()


def test_a_committed_cache_folder_runs_nothing(tmp_path: Path) -> None:
    """A repository ships ``.fastapi_rules_cache`` signed with its author's key: the
    victim's run treats every entry as a miss and gives the cold findings."""
    project = tmp_path / "repo"
    copy_fixture(FIXTURES / "sample_app", project)
    cold = run_tool(["scan", "--no-cache", "."], project, tmp_path / "victim")
    attacker = run_tool(["scan", "."], project, tmp_path / "attacker")
    assert attacker.returncode == 1
    root = project / CACHE_DIRECTORY_NAME
    key = (tmp_path / "attacker" / "fastapi-rules" / "key").read_bytes()
    marker = tmp_path / MARKER_NAME
    entries = _entries(root)
    assert len(entries) >= 12
    for signed in (False, True):  # as earlier versions wrote them, and signed by the author
        for entry in entries:
            payload = _payloads(marker)["dotted STACK_GLOBAL"]
            entry.write_bytes(_sign(key, root, entry, payload) if signed else payload)
        victim = run_tool(["scan", "."], project, tmp_path / "victim")
        assert (victim.returncode, victim.stdout) == (1, cold.stdout), victim.stderr
        assert not marker.exists()


@pytest.mark.parametrize(("module", "name"), [
    ("fastapi_rules.cache", "os.system"),
    ("fastapi_rules.model", "os.system"),
    ("fastapi_rules.result", "dataclass"),  # a function the module imported
    ("fastapi_rules.incremental", "Path"),  # a class the module imported
    ("fastapi_rules.engine", "lint"),  # a function
    ("fastapi_rules.cli", "main"),
    ("fastapi_rules.result", "FileResult.__init__"),
    ("builtins", "eval"),
    ("builtins", "getattr"),
    ("builtins", "type"),
    ("os", "system"),
    ("copyreg", "_reconstructor"),
])
def test_the_unpickler_takes_no_other_name(module: str, name: str) -> None:
    unpickler = _OwnTypes(__import__("io").BytesIO(b""))
    with pytest.raises(pickle.UnpicklingError):
        unpickler.find_class(module, name)


def test_the_unpickler_takes_every_type_a_cache_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full run over every fixture stores entries that all load again (a data type
    added elsewhere would make every warm run a miss)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    cache_home.signing_key.cache_clear()
    root = tmp_path / "cache"
    for keep_project in (False, True):
        _lint_cached(FIXTURES, root, keep_project)
    reader = Cache(root, "[]")
    entries = _entries(root)
    assert len(entries) > 100
    assert [e for e in entries if reader._load(e) is None] == []
    cache_home.signing_key.cache_clear()


# -- the key ---------------------------------------------------------------------------
def test_the_key_is_private_and_an_exposed_one_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = tmp_path / "fastapi-rules" / "key"
    cache_home.signing_key.cache_clear()
    first = cache_home.signing_key()
    assert first is not None and len(first) == 32 and path.read_bytes() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    cache_home.signing_key.cache_clear()
    assert cache_home.signing_key() == first  # kept between runs
    path.chmod(0o644)  # readable by others: no longer a secret
    cache_home.signing_key.cache_clear()
    second = cache_home.signing_key()
    assert second not in (None, first) and stat.S_IMODE(path.stat().st_mode) == 0o600
    decoy = tmp_path / "decoy"
    decoy.write_bytes(b"k" * 32)
    path.unlink()
    path.symlink_to(decoy)  # a link is never followed, and replaced
    cache_home.signing_key.cache_clear()
    third = cache_home.signing_key()
    assert third not in (None, b"k" * 32) and not path.is_symlink() and decoy.read_bytes() == b"k" * 32
    cache_home.signing_key.cache_clear()


def test_without_a_private_home_there_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "fastapi-rules"
    home.mkdir(mode=0o777)
    home.chmod(0o777)  # others may write: a key there could be swapped
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache_home.signing_key.cache_clear()
    assert cache_home.signing_key() is None
    project = tmp_path / "app"
    copy_fixture(FIXTURES / "sample_app", project)
    assert _lint_cached(project, tmp_path / "cache").findings == lint([project], Config()).findings
    assert not (tmp_path / "cache").exists()
    cache_home.signing_key.cache_clear()


# -- special files where the cache reads ------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_in_a_committed_cache_folder_block_nothing(tmp_path: Path) -> None:
    project = tmp_path / "repo"
    copy_fixture(FIXTURES / "sample_app", project)
    cold = run_tool(["scan", "--no-cache", "."], project, tmp_path / "home")
    run_tool(["scan", "."], project, tmp_path / "other")
    root = project / CACHE_DIRECTORY_NAME
    for entry in _entries(root):
        entry.unlink()
        os.mkfifo(entry)
    warm = run_tool(["scan", "."], project, tmp_path / "home")
    assert (warm.returncode, warm.stdout) == (1, cold.stdout)
    (root / "CACHEDIR.TAG").unlink()
    os.mkfifo(root / "CACHEDIR.TAG")  # not a tag: the folder is not the tool's
    warm = run_tool(["scan", "."], project, tmp_path / "home")
    assert (warm.returncode, warm.stdout) == (1, cold.stdout)
