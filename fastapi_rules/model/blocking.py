"""The catalogue of calls that block the event loop (RULES-SPEC FAR401)."""
from __future__ import annotations

import sys

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

BLOCKING_FUNCTIONS = frozenset(
    {
        "time.sleep",
        "urllib.request.urlopen",
        "os.system",
        "os.popen",
        "os.wait",
        "os.waitpid",
        "os.wait3",
        "os.wait4",
        "builtins.open",
        "builtins.input",
        "io.open",
        "sqlite3.connect",
        "psycopg2.connect",
        "pymysql.connect",
        "MySQLdb.connect",
        "pymongo.MongoClient",
        "smtplib.SMTP",
        "smtplib.SMTP_SSL",
        "socket.create_connection",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "httpx.stream",
        *(f"requests.{verb}" for verb in _HTTP_VERBS),
        *(f"httpx.{verb}" for verb in _HTTP_VERBS),
    }
)

# Constructors whose instances block on (almost) every method call.
BLOCKING_CLIENTS = {
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "redis.Redis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "smtplib.SMTP": "smtplib.SMTP",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "socket.socket": "socket.socket",
    "boto3.client": "boto3.client",
    "boto3.resource": "boto3.resource",
    "pathlib.Path": "pathlib.Path",
}

# Methods that do no I/O on those clients (configuration, builders).
NON_BLOCKING_METHODS = frozenset(
    {"pipeline", "mount", "close", "setblocking", "settimeout", "fileno", "build_request"}
)

# pathlib.Path is mostly pure path arithmetic; only these touch the disk.
PATH_IO_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "open"})


def blocking_method(client_type: str, method: str) -> bool:
    if client_type == "pathlib.Path":
        return method in PATH_IO_METHODS
    return method not in NON_BLOCKING_METHODS and not method.startswith("_")

# Roots of modules that are never project code: calls into them do not extend the
# call graph of FAR403 (their blocking calls are the catalogue above).
LIBRARY_ROOTS = frozenset(sys.stdlib_module_names) | {
    "builtins",
    "fastapi",
    "starlette",
    "pydantic",
    "sqlalchemy",
    "sqlmodel",
    "httpx",
    "requests",
    "anyio",
    "typing_extensions",
}
