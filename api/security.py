"""API keys for the write endpoints: kept hashed, compared in constant time, never logged."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

from api.settings import Settings

API_KEY_HEADER = "X-API-Key"
PLACEHOLDER_KEYS = frozenset({"", "changeme", "change-me", "secret", "password", "apikey", "test"})
MIN_KEY_LENGTH = 16

_header = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False, description="An API key from DIPLOGRAPH_API_KEYS"
)


class InsecureSettings(ValueError):
    """A key is empty, a placeholder or too short, outside development mode."""


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


class KeyRing:
    """The configured keys, as SHA-256 digests only."""

    def __init__(self, digests: list[bytes]) -> None:
        self._digests = digests

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        """Hash the configured keys; refuse weak ones unless ``development`` is set."""
        keys = [k.get_secret_value() for k in settings.api_keys]
        if not settings.development:
            for position, key in enumerate(keys, start=1):
                if key.strip().lower() in PLACEHOLDER_KEYS or len(key) < MIN_KEY_LENGTH:
                    raise InsecureSettings(
                        f"API key #{position} of DIPLOGRAPH_API_KEYS is empty, a placeholder or "
                        f"shorter than {MIN_KEY_LENGTH} characters; set a random key "
                        "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`) "
                        "or DIPLOGRAPH_DEVELOPMENT=true for local work"
                    )
        return cls([_digest(k) for k in keys if k])

    @property
    def configured(self) -> bool:
        """Whether any key is set (without one, writes are closed)."""
        return bool(self._digests)

    def accepts(self, key: str | None) -> bool:
        """Whether ``key`` is one of the configured keys (constant time per key)."""
        if not key:
            return False
        candidate = _digest(key)
        found = False
        for digest in self._digests:
            found |= hmac.compare_digest(candidate, digest)
        return found


def _ring(request: Request) -> KeyRing:
    ring: KeyRing = request.app.state.keyring
    return ring


async def require_key(
    request: Request, key: Annotated[str | None, Depends(_header)] = None
) -> None:
    """Dependency of the write endpoints: 401 without a valid key, 403 when none is configured."""
    ring = _ring(request)
    if not ring.configured:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "writes over HTTP are disabled: no API key is configured (DIPLOGRAPH_API_KEYS)",
        )
    if not ring.accepts(key):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            f"a valid API key is required in the {API_KEY_HEADER} header",
            headers={"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'},
        )


async def require_read_access(
    request: Request, key: Annotated[str | None, Depends(_header)] = None
) -> None:
    """Dependency of the read endpoints: open unless ``read_requires_key`` is set."""
    settings: Settings = request.app.state.settings
    if settings.read_requires_key and not _ring(request).accepts(key):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            f"a valid API key is required in the {API_KEY_HEADER} header",
            headers={"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'},
        )
