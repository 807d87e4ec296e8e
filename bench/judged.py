"""Hand-judged endpoints of real applications, and how a revision's inventory scores on them.

    python bench/judged.py sample                 # draw 40 `routes` rows per corpus to judge
    python bench/judged.py score [--tree REV]     # score the inventory against the verdicts

The judged files (``bench/judged/routes/<corpus>.json``) hold what a person found in the
source for each drawn endpoint: its full path and whether a request without a credential
is turned away (``authenticated``), is meant to be served to anyone (``public``: login,
token, health, webhooks checked by signature...) or is served to anyone by mistake or by
design without saying so (``none``), and why. They judge the code, not the tool, so any
revision is scored against them: a row is keyed by its handler's file, ``def`` line and
methods, which do not move while the corpora stay pinned.

``bench/judged/findings/<corpus>.json`` holds the same judgement for every FAR201/FAR202
finding of a corpus (keyed by file, line and code); ``score`` reports how many of a revision's
findings there are truly unauthenticated.

Corpora come from ``bench/run.py``'s cache (``$FASTAPI_RULES_CORPORA``). prefect's and
airflow's servers are unpacked without their parent packages; they are scanned from a
copy laid out under ``prefect/server`` and ``airflow/api_fastapi`` so that their own
absolute imports resolve.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "judged"
SAMPLE_SIZE = 40
SEED = 18

# corpus -> folder to scan, below the corpora cache (a laid-out copy where noted)
SCAN_ROOTS = {
    "fastapi-docs": "fastapi-docs",
    "prefect-server": "layout/prefect/server",
    "airflow-api": "layout/airflow/api_fastapi",
    "lnbits": "lnbits",
    "fastapi-users": "fastapi-users",
    "langflow": "langflow",
    "open-webui": "open-webui",
    "zenml-server": "zenml-server/zenml/zen_server",
    "dstack-server": "dstack-server/dstack/_internal/server",
    "khoj": "khoj/khoj",
    "litellm-proxy": "litellm-proxy/litellm/proxy",
    "phoenix-server": "phoenix-server/phoenix/server",
}
LAID_OUT = {"layout/prefect/server": "prefect-server", "layout/airflow/api_fastapi": "airflow-api"}
# what the tool's verdicts mean in the judges' terms
TOOL_CLASS = {"authenticated": "authenticated", "middleware": "authenticated", "public": "public",
              "none": "none", "unknown": "unknown"}


def corpora_home() -> Path:
    return Path(os.environ.get("FASTAPI_RULES_CORPORA", Path.home() / ".cache" / "fastapi-rules-corpora"))


def scan_root(corpus: str) -> Path:
    home = corpora_home()
    relative = SCAN_ROOTS[corpus]
    if relative in LAID_OUT:
        target = home / relative
        if not target.exists():
            package = target.parent
            package.mkdir(parents=True, exist_ok=True)
            (package / "__init__.py").touch()
            shutil.copytree(home / LAID_OUT[relative], target)
        return target
    return home / relative


def tool_command(tree: str | None) -> tuple[list[str], dict[str, str], tempfile.TemporaryDirectory[str] | None]:
    """The `fastapi-rules` to run: this checkout, or the package as of git revision ``tree``."""
    environment = {**os.environ, "PYTHONSAFEPATH": "1"}
    holder = None
    if tree:
        holder = tempfile.TemporaryDirectory(prefix="judged-")
        archive = subprocess.run(["git", "archive", tree, "fastapi_rules"], cwd=HERE.parent,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", holder.name], input=archive, check=True)
        environment["PYTHONPATH"] = holder.name
    else:
        environment["PYTHONPATH"] = str(HERE.parent)
    return [sys.executable, "-m", "fastapi_rules"], environment, holder


def routes(corpus: str, command: list[str], environment: dict[str, str]) -> list[dict]:
    result = subprocess.run([*command, "routes", "--no-cache", "--format", "json", "."],
                            cwd=scan_root(corpus), env=environment, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{corpus}: routes exited {result.returncode}: {result.stderr.strip()[:500]}")
    return json.loads(result.stdout)


def findings(corpus: str, command: list[str], environment: dict[str, str]) -> list[dict]:
    result = subprocess.run([*command, "scan", "--no-cache", "--select", "FAR201,FAR202",
                             "--format", "json", "."],
                            cwd=scan_root(corpus), env=environment, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{corpus}: scan exited {result.returncode}: {result.stderr.strip()[:500]}")
    return json.loads(result.stdout)


def row_key(row: dict) -> str:
    return f"{row['file']}:{row['line']}:{','.join(sorted(row['methods']))}"


def sample(corpora: list[str]) -> None:
    command, environment, holder = tool_command(None)
    (JUDGED / "routes").mkdir(parents=True, exist_ok=True)
    for corpus in corpora:
        target = JUDGED / "routes" / f"{corpus}.json"
        if target.exists():
            print(f"{corpus}: already drawn, kept")
            continue
        rows = {row_key(row): row for row in routes(corpus, command, environment)}
        drawn = random.Random(f"{SEED}:{corpus}").sample(sorted(rows), min(SAMPLE_SIZE, len(rows)))
        judged = [{
            "key": key,
            "handler": rows[key]["handler"],
            "tool_when_drawn": {k: rows[key][k] for k in ("path", "verdict", "reason")},
            "path": None, "verdict": None, "why": None,
        } for key in sorted(drawn)]
        target.write_text(json.dumps(judged, indent=2) + "\n")
        print(f"{corpus}: drew {len(judged)} of {len(rows)}")
    if holder:
        holder.cleanup()


def score(corpora: list[str], tree: str | None) -> None:
    command, environment, holder = tool_command(tree)
    print("| corpus | judged | found | right path | right verdict | both | public by design, flagged |")
    print("|---|---|---|---|---|---|---|")
    for corpus in corpora:
        source = JUDGED / "routes" / f"{corpus}.json"
        if not source.exists():
            continue
        judged = [entry for entry in json.loads(source.read_text()) if entry["verdict"]]
        rows: dict[str, list[dict]] = {}
        for row in routes(corpus, command, environment):
            rows.setdefault(row_key(row), []).append(row)
        found = right_path = right_verdict = both = unlisted_public = 0
        for entry in judged:
            served = rows.get(entry["key"])
            if not served:
                continue
            found += 1
            # a router served at several prefixes gives a row for each: the judged one counts
            row = next((r for r in served if r["path"] == entry["path"]), served[0])
            path_ok = row["path"] == entry["path"]
            verdict_ok = TOOL_CLASS[row["verdict"]] == entry["verdict"]
            right_path += path_ok
            right_verdict += verdict_ok
            both += path_ok and verdict_ok
            unlisted_public += entry["verdict"] == "public" and row["verdict"] == "none"
        print(f"| {corpus} | {len(judged)} | {found} | {right_path} | {right_verdict} | {both} | {unlisted_public} |")
    print()
    print("| corpus | FAR201/202 | judged | truly unauthenticated | public by design | authenticated |")
    print("|---|---|---|---|---|---|")
    for corpus in corpora:
        source = JUDGED / "findings" / f"{corpus}.json"
        if not source.exists():
            continue
        truth = {entry["key"]: entry["verdict"] for entry in json.loads(source.read_text()) if entry["verdict"]}
        reported = {f"{f['path']}:{f['line']}:{f['code']}" for f in findings(corpus, command, environment)}
        seen = [truth[key] for key in reported if key in truth]
        print(f"| {corpus} | {len(reported)} | {len(seen)} | {seen.count('none')} | "
              f"{seen.count('public')} | {seen.count('authenticated')} |")
    if holder:
        holder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("sample", "score"))
    parser.add_argument("--only", default=None, help="comma-separated corpora (default: all)")
    parser.add_argument("--tree", default=None, help="score the package as of this git revision")
    args = parser.parse_args()
    corpora = args.only.split(",") if args.only else list(SCAN_ROOTS)
    if args.action == "sample":
        sample(corpora)
    else:
        score(corpora, args.tree)


if __name__ == "__main__":
    main()
