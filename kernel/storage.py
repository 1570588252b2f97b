"""Object storage behind one interface: local disk by default, S3-compatible with ``STORAGE_URL=s3://bucket``.

Public objects (images, logos) get long-cache public URLs; private ones
(invoices, licences) are reached only through signed, expiring URLs.
"""

import hashlib
import hmac
import mimetypes
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

from kernel import config, urls

PUBLIC_CACHE = "public, max-age=31536000, immutable"


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

    def size(self, key: str, private: bool = False) -> int | None:
        """The stored object's size in bytes, or None when there is none."""
        try:
            return self._path(key, private).stat().st_size
        except (FileNotFoundError, ValueError):
            return None

    def url(self, key: str) -> str:
        return urls.absolute(f"/media/{key}")

    def signed_url(self, key: str, expires_in: int = 900) -> str:
        expires = int(time.time()) + expires_in
        query = urlencode({"expires": expires, "signature": sign_private(key, expires)})
        return urls.absolute(f"/media-private/{key}?{query}")

    def open(self, key: str, private: bool = False):
        """Return (path, content type) of an object for the media routes, or None."""
        try:
            path = self._path(key, private)
        except ValueError:
            return None
        if not path.is_file():
            return None
        return path, mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class S3Storage:
    """An S3-compatible bucket pair (S3, R2, MinIO) through boto3."""

    def __init__(self, bucket: str, private_bucket: str, endpoint_url: str | None, public_url: str | None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.private_bucket = private_bucket
        self.public_url = (public_url or f"{(endpoint_url or 'https://s3.amazonaws.com').rstrip('/')}/{bucket}").rstrip("/")
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url,
            config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"}),
        )

    def _bucket(self, private: bool) -> str:
        return self.private_bucket if private else self.bucket

    def put(self, key: str, data: bytes, content_type: str | None = None, private: bool = False) -> str:
        extra = {"ContentType": content_type or "application/octet-stream"}
        if not private:
            extra["CacheControl"] = PUBLIC_CACHE
        self.client.put_object(Bucket=self._bucket(private), Key=key, Body=data, **extra)
        return key

    def get(self, key: str, private: bool = False) -> bytes:
        return self.client.get_object(Bucket=self._bucket(private), Key=key)["Body"].read()

    def exists(self, key: str, private: bool = False) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self._bucket(private), Key=key)
            return True
        except ClientError:
            return False

    def delete(self, key: str, private: bool = False) -> None:
        self.client.delete_object(Bucket=self._bucket(private), Key=key)

    def size(self, key: str, private: bool = False) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self._bucket(private), Key=key)["ContentLength"]
        except ClientError:
            return None

    def url(self, key: str) -> str:
        return f"{self.public_url}/{key}"

    def signed_url(self, key: str, expires_in: int = 900) -> str:
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.private_bucket, "Key": key}, ExpiresIn=expires_in,
        )

    def open(self, key: str, private: bool = False):
        return None


def sign_private(key: str, expires: int) -> str:
    """HMAC over a private key and its expiry, for local signed URLs."""
    message = f"{key}:{expires}".encode()
    return hmac.new(config.settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def verify_private(key: str, expires: str, signature: str) -> bool:
    """Whether a link's signature holds; compared as bytes, since a forged one may be any text."""
    if not (expires.isascii() and expires.isdigit()) or int(expires) < time.time():
        return False
    return hmac.compare_digest(sign_private(key, int(expires)).encode(), signature.encode())


_backend = None


def backend():
    """The configured storage (built once per process)."""
    global _backend
    if _backend is None:
        url = config.settings.storage_url
        if url and url.startswith("s3://"):
            bucket = urlparse(url).netloc
            _backend = S3Storage(
                bucket=bucket,
                private_bucket=os.environ.get("S3_PRIVATE_BUCKET") or f"{bucket}-private",
                endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
                public_url=os.environ.get("S3_PUBLIC_URL") or None,
            )
        else:
            _backend = LocalStorage(config.settings.var_dir / "media")
    return _backend


def reset() -> None:
    global _backend
    _backend = None


def new_key(prefix: str, extension: str) -> str:
    """A collision-free key under a prefix, e.g. ``avatars/ab12....jpg``."""
    return f"{prefix.strip('/')}/{secrets.token_hex(12)}.{extension.lstrip('.')}"
