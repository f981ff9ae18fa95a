"""A take store in object storage, mirrored into the local one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LongcutError, StepFailed
from .records import RECORD, check_files, read_record, record_files, take_files

if TYPE_CHECKING:
    from . import TakeStore


class _Damaged(Exception):
    """A fetched take's files do not match its record (the message says how)."""


class RemoteTakes:
    """Takes in object storage (s3://, gs://, az://: any fsspec URL), laid out as in a local store.

    A take is uploaded file by file with take.json last, and is seen only once take.json exists: on
    object storage each object appears whole, so a take appears only when complete. Readers fetch
    a take into their local store (a temporary folder renamed into place, as for a rendered take)
    and use it from there: ffmpeg reads local files. fsspec's transactions are not used: locally they
    stage files in the system temp folder and move them across file systems, which is not atomic.
    """

    def __init__(self, url: str) -> None:
        try:
            from fsspec.core import url_to_fs

            self.fs, self.base = url_to_fs(url)
        except ImportError as error:
            raise LongcutError(f"the take store {url} needs a package that is not installed: {error}",
                               hint="pip install 'longcut[cloud]' (fsspec and s3fs; gcsfs or adlfs for gs:// "
                                    "or az://)") from None
        except ValueError as error:
            raise LongcutError(f"the take store {url} is not a storage URL fsspec knows: {error}",
                               hint="e.g. s3://bucket/films/keeper, or a folder path") from None
        self.url = url
        self.local = "file" in ((self.fs.protocol,) if isinstance(self.fs.protocol, str) else self.fs.protocol)

    def _path(self, key: str, name: str) -> str:
        return f"{self.base.rstrip('/')}/takes/{key[:2]}/{key}/{name}"

    def has(self, key: str) -> bool:
        path = self._path(key, RECORD)
        self.fs.invalidate_cache(path)  # another machine may have uploaded it since this one last looked
        return self.fs.exists(path)

    def upload(self, key: str, folder: Path) -> None:
        with self._reporting(f"upload the take {key[:12]} to"):
            if self.has(key):  # equal keys, equal takes: the first upload stands
                return
            if self.local:  # object storage has no folders; its makedirs would create a bucket from a typo
                self.fs.makedirs(self._path(key, "").rstrip("/"), exist_ok=True)
            for name in take_files(folder) + [RECORD]:  # the record last: it marks the take complete
                self.fs.put_file(str(folder / name), self._path(key, name))

    def fetch(self, key: str, store: TakeStore) -> bool:
        """Copy the take into the local store; False when the remote store has no sound, complete take of it.

        A take whose files do not match its record is damaged in the remote store: its record is deleted there
        (so it is seen as missing, rendered again and uploaded anew), and the store is warned.
        """
        with self._reporting(f"fetch the take {key[:12]} from"):
            if not self.has(key):
                return False
            try:
                with store.assembled(key) as folder:
                    self.fs.get_file(self._path(key, RECORD), str(folder / RECORD))
                    record = read_record(folder / RECORD)
                    for name in record_files(record):
                        self.fs.get_file(self._path(key, name), str(folder / name))
                    problem = check_files(folder, record)
                    if problem is not None:
                        raise _Damaged(problem)
            except _Damaged as damaged:
                self.fs.rm_file(self._path(key, RECORD))
                store.warn(f"the take {key[:12]} in {self.url} was damaged ({damaged}); it was removed there "
                           "and will be rendered again")
                return False
        return True

    @contextmanager
    def _reporting(self, what: str) -> Iterator[None]:
        """A storage failure (network, credentials, a missing bucket) as a message, not a traceback."""
        try:
            yield
        except LongcutError:
            raise
        except Exception as error:  # each fsspec backend raises its own kinds (OSError, botocore's, ...)
            raise StepFailed(f"could not {what} {self.url}: {type(error).__name__}: {error}",
                             hint="check the storage's credentials and endpoint (e.g. AWS_ENDPOINT_URL) and that "
                                  "the bucket exists; every take already made is kept") from None
