"""Object storage behind one interface: local disk by default (S3-compatible comes with media)."""

import mimetypes
import os
import secrets
from pathlib import Path

from kernel import config, urls


class LocalStorage:
    """Files under ``var/media/{public,private}``; public ones are served at ``/media/``."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str, private: bool) -> Path:
        base = (self.root / ("private" if private else "public")).resolve()
        path = (base / key).resolve()
        if base not in path.parents:
            raise ValueError("invalid storage key")
        return path

    def put(self, key: str, data: bytes, content_type: str | None = None, private: bool = False) -> str:
        path = self._path(key, private)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key

    def get(self, key: str, private: bool = False) -> bytes:
        return self._path(key, private).read_bytes()

    def exists(self, key: str, private: bool = False) -> bool:
        return self._path(key, private).is_file()

    def delete(self, key: str, private: bool = False) -> None:
        self._path(key, private).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return urls.absolute(f"/media/{key}")

    def open_public(self, key: str):
        """Return (path, content type) of a public object for the /media route, or None."""
        try:
            path = self._path(key, False)
        except ValueError:
            return None
        if not path.is_file():
            return None
        return path, mimetypes.guess_type(path.name)[0] or "application/octet-stream"


_backend = None


def backend() -> LocalStorage:
    global _backend
    if _backend is None:
        _backend = LocalStorage(config.settings.var_dir / "media")
    return _backend


def reset() -> None:
    global _backend
    _backend = None


def new_key(prefix: str, extension: str) -> str:
    """A collision-free key under a prefix, e.g. ``avatars/ab12....jpg``."""
    return f"{prefix.strip('/')}/{secrets.token_hex(12)}.{extension.lstrip('.')}"
