"""JWT and password-hashing facts (RULES-SPEC FAR204-FAR206), collected by the builder.

A mixin of ``ModuleModelBuilder``, like ``ErrorFacts``: its hooks run in the builder's
one traversal and use its import table and scopes. Every site is a finding, so its
position is taken at once.
"""
from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastapi_rules.model import CredentialSite
from fastapi_rules.model.names import dotted_name

JWT_DECODERS = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"})
JWT_ENCODERS = frozenset({"jwt.encode", "jose.jwt.encode", "jwt.api_jwt.encode"})
# Options that switch off what makes a token trustworthy (PyJWT and python-jose names).
VERIFY_OPTIONS = frozenset({"verify_signature", "verify_exp"})
FAST_DIGESTS = frozenset(
    {
        *(f"hashlib.{name}" for name in (
            "md5", "sha1", "sha224", "sha256", "sha384", "sha512",
            "sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s",
        )),
        "hashlib.new",
    }
)
# The builder keeps any argument name that may be a password; ``credentials.password_names``
# decides in the rule.
PASSWORD_HINTS = ("pass", "pwd")


class CredentialFacts:
    """Hooks and helpers; ``self`` is the ``ModuleModelBuilder``."""

    def _init_credential_facts(self) -> None:
        self.credential_sites: list[CredentialSite] = []
        # ``digest = hashlib.sha256()`` then ``digest.update(password)``: local name -> digest
        self._digests: dict[tuple[int, str], str] = {}
        # a local bound to a dict literal: (function id, name) -> has "exp" or may change
        self._payloads: dict[tuple[int, str], bool] = {}
        self._discarded: set[int] = set()  # calls whose value is thrown away
        # ``options={"verify_exp": False}`` sites, dropped if the function reads ``exp``
        # itself; by function id, with whether it does
        self._unchecked_expiry: dict[int, list[int]] = {}
        self._reads_expiry: set[int] = set()

    def visit_Expr(self, node: cst.Expr) -> None:
        self._discarded.add(id(node.value))

    def _credential_attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "exp":
            self._reads_expiry.add(self._function_key())

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if node.value in ('"exp"', "'exp'"):
            self._reads_expiry.add(self._function_key())

    def _credential_function_end(self) -> None:
        """A function that decodes with ``verify_exp`` off and reads ``exp`` itself
        checks expiry by hand (skyvern's long-lived API keys)."""
        key = self._function_key()
        dropped = self._unchecked_expiry.pop(key, [])
        if key in self._reads_expiry and dropped:
            for index in sorted(dropped, reverse=True):
                del self.credential_sites[index]
        self._reads_expiry.discard(key)

    def _credential_site(self, kind: str, detail: str, node: cst.CSTNode) -> None:
        self.credential_sites.append(CredentialSite(kind, detail, self._location(node)))  # type: ignore[attr-defined]

    def _credential_call(self, node: cst.Call, callee: str | None) -> None:
        if callee in JWT_DECODERS:
            self._jwt_decode(node)
        elif callee in JWT_ENCODERS:
            self._jwt_encode(node)
        elif callee in FAST_DIGESTS:
            arguments = node.args[1:] if callee == "hashlib.new" else node.args
            self._hashed_values(callee, node, arguments)
        elif isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
            receiver = (self._function_key(), node.func.value.value)
            method = node.func.attr.value
            if method == "update" and receiver in self._digests:
                self._hashed_values(self._digests[receiver], node, node.args)
            elif method in ("update", "setdefault", "__setitem__") and receiver in self._payloads:
                self._payloads[receiver] = True  # changed: its keys are no longer known

    def _hashed_values(self, digest: str, node: cst.Call, arguments: Sequence[cst.Arg]) -> None:
        """A digest of something that may be a password: ``detail`` is the digest and the
        candidate names (``hashlib.sha256:password``)."""
        names = [
            name
            for arg in arguments
            if arg.keyword is None or arg.keyword.value in ("data", "string")
            for name in _value_names(arg.value)
            if any(hint in name.lower() for hint in PASSWORD_HINTS)
        ]
        if names:
            self._credential_site("fast_password_hash", ":".join([digest, *names]), node)

    def _function_key(self) -> int:
        draft = self._function  # type: ignore[attr-defined]
        return id(draft) if draft is not None else 0

    def _credential_binding(self, name: str, value: cst.BaseExpression) -> None:
        """A name bound in a function: a digest object, or a payload dict literal."""
        key = (self._function_key(), name)
        self._digests.pop(key, None)
        self._payloads.pop(key, None)
        callee = self.names.resolve(value.func) if isinstance(value, cst.Call) else None  # type: ignore[attr-defined]
        if callee in FAST_DIGESTS:
            self._digests[key] = callee
        elif isinstance(value, cst.Dict):
            self._payloads[key] = _dict_may_have(value, "exp")

    def _credential_subscript_assign(self, target: cst.BaseAssignTargetExpression) -> None:
        """``payload["exp"] = ...``: the payload gets keys we stop tracking."""
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            key = (self._function_key(), target.value.value)
            if key in self._payloads:
                self._payloads[key] = True

    def _jwt_decode(self, node: cst.Call) -> None:
        keywords = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
        if any(arg.star for arg in node.args):
            return  # ``jwt.decode(token, **settings)``: the keywords are not known
        verify = keywords.get("verify")
        if isinstance(verify, cst.Name) and verify.value == "False":
            self._credential_site("decode_unverified", "verify=False", node)
            return
        options = keywords.get("options")
        if isinstance(options, cst.Dict):
            for element in options.elements:
                if (
                    isinstance(element, cst.DictElement)
                    and isinstance(element.key, cst.SimpleString)
                    and element.key.evaluated_value in VERIFY_OPTIONS
                    and isinstance(element.value, cst.Name)
                    and element.value.value == "False"
                ):
                    key = element.key.evaluated_value
                    if key == "verify_exp":
                        self._unchecked_expiry.setdefault(self._function_key(), []).append(
                            len(self.credential_sites)
                        )
                    kind = "decode_expiry_unverified" if key == "verify_exp" else "decode_unverified"
                    self._credential_site(kind, f'"{key}": False', node)
                    return
        positional = [arg for arg in node.args if arg.keyword is None]
        if "algorithms" not in keywords and len(positional) < 3:  # (token, key, algorithms)
            self._credential_site("decode_without_algorithms", "algorithms=", node)

    def _jwt_encode(self, node: cst.Call) -> None:
        payload = next(
            (arg.value for arg in node.args if arg.keyword is None or arg.keyword.value in ("payload", "claims")),
            None,
        )
        if id(node) in self._discarded:
            return  # ``jwt.encode(...)`` as a statement: a key check, no token is issued
        if isinstance(payload, cst.Dict):
            has_exp = _dict_may_have(payload, "exp")
        elif isinstance(payload, cst.Name):
            has_exp = self._payloads.get((self._function_key(), payload.value), True)
        else:
            return
        if not has_exp:
            self._credential_site("encode_without_exp", "exp", node)


def _dict_may_have(value: cst.Dict, key: str) -> bool:
    """Whether a dict literal has ``key``, or may have it (``**spread``, computed keys)."""
    for element in value.elements:
        if isinstance(element, cst.StarredDictElement):
            return True
        if not isinstance(element.key, cst.SimpleString):
            return True
        if element.key.evaluated_value == key:
            return True
    return False


def _value_names(node: cst.BaseExpression) -> list[str]:
    """Names and attribute names a hashed value is made of: ``password``,
    ``user.password``, ``password.encode()``, ``f"{salt}{password}"``, ``salt + pwd``;
    not the arguments of other calls (``len(password)`` is not the password)."""
    found: list[str] = []

    class Finder(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.append(name.value)

        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            found.append(attribute.attr.value)

        def visit_Call(self, call: cst.Call) -> bool:
            func = call.func
            name = func.attr.value if isinstance(func, cst.Attribute) else dotted_name(func)
            return name in ("encode", "join", "format", "str", "bytes", "strip")

    node.visit(Finder())
    return found
