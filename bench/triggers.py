"""How much of a code base text triggers could skip: the share of files, and of their
bytes, that contain none of the words the rules look for.

    python bench/triggers.py PATHS...

The measurement behind not building the issue's text triggers (see RESULTS.md). The
words are what the rules' findings start from: a FastAPI or Pydantic name, an async
function, SQL, a session, a secret-like name, a blocking call, a v1 idiom, a route
decorator, the environment. Case is ignored, as SQL keywords need. The list is not
proven complete: a list that provably misses no finding would be longer, and would
leave fewer files to skip, so the share printed is an upper bound.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

TRIGGERS = re.compile(
    r"fastapi|starlette|APIRouter|Depends|Security|pydantic|BaseModel|Settings|async |await"
    r"|\bselect\b|\binsert\b|\bupdate\b|\bdelete\b|execute|session|secret|password|passwd"
    r"|token|api_key|private_key|jwt|jose|passlib|bcrypt|hashlib|requests|httpx|urllib"
    r"|sleep|subprocess|\bopen\(|utcnow|Config|validator|orm_mode|on_event|HTTPException"
    r"|Response|sqlalchemy|sqlmodel|\.(get|post|put|patch|delete|api_route|websocket|route)\("
    r"|include_router|mount|middleware|exception_handler|environ|getenv|debug",
    re.IGNORECASE,
)


def main() -> None:
    for root in sys.argv[1:] or ["."]:
        files = sorted(Path(root).rglob("*.py"))
        sizes = {path: path.stat().st_size for path in files}
        quiet = [path for path in files if not TRIGGERS.search(path.read_text(errors="replace"))]
        total, skipped = sum(sizes.values()), sum(sizes[path] for path in quiet)
        print(
            f"{root}: {len(quiet)}/{len(files)} files, {skipped}/{total} bytes "
            f"({skipped / max(total, 1):.1%}) contain no trigger"
        )


if __name__ == "__main__":
    main()
