"""Private storage for certificate PDFs and the files built from them (hr's ZIP exports).

Nothing in it is under MEDIA_URL: every file is served by a view that checks who is asking."""

import contextlib
import os
import tempfile

from django.core.files import File
from django.core.files.storage import storages


def private_storage():
    return storages["private"]


@contextlib.contextmanager
def atomic_write(storage, name: str):
    """Yield a file to write; on success it replaces `name` in `storage` in one step.

    On a local storage the file is written next to its final place and moved with
    os.replace (atomic); on a remote storage it is uploaded whole once complete."""
    try:
        final = storage.path(name)
    except NotImplementedError:
        final = None
    if final:
        os.makedirs(os.path.dirname(final), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(final) + ".", suffix=".part", dir=os.path.dirname(final))
    else:
        fd, tmp = tempfile.mkstemp(suffix=".part")
    try:
        with os.fdopen(fd, "w+b") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if final:
            os.chmod(tmp, 0o644)
            os.replace(tmp, final)
        else:
            if storage.exists(name):
                storage.delete(name)
            with open(tmp, "rb") as fh:
                storage.save(name, File(fh))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def files_delete(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)
