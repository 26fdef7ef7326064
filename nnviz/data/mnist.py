"""MNIST loader in the book's form, with a local cache, an opt-in download and an offline subset."""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.client import HTTPException
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np

from nnviz.data.idx import N_CLASSES, MnistDataError, read_idx_pair

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
Progress = Callable[[int, int], None]

CHUNK_BYTES = 1 << 16
DEFAULT_TIMEOUT = 15.0
SUBSET_RESOURCE = "mnist_subset.npz"


@dataclass(frozen=True)
class MnistFile:
    """One of the four distributed files: name, MD5 and compressed size (for progress)."""

    name: str
    md5: str
    size: int


DEFAULT_FILES: tuple[MnistFile, MnistFile, MnistFile, MnistFile] = (
    MnistFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9912422),
    MnistFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", 28881),
    MnistFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", 1648877),
    MnistFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", 4542),
)
DEFAULT_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


@dataclass(frozen=True)
class MnistSource:
    """Where the data came from; `reason`/`reason_code` explain a fallback to the subset."""

    kind: Literal["cache", "download", "subset"]
    n_train: int
    n_test: int
    directory: Path | None = None
    reason: str | None = None
    reason_code: str | None = None


def default_cache_dir() -> Path:
    """$NNVIZ_DATA_DIR if set, else the platform's user cache folder + nnviz/mnist."""
    env = os.environ.get("NNVIZ_DATA_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "nnviz" / "mnist"


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url: str, dest: Path, md5: str, timeout: float, on_bytes: Callable[[int], None]) -> None:
    """Stream `url` into a temp file beside `dest`, check its MD5, then move it into place."""
    try:
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as exc:
        raise MnistDataError("cache_unwritable", f"cannot write to cache folder {dest.parent}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        digest = hashlib.md5()
        done = 0
        request = urllib.request.Request(url, headers={"User-Agent": "nnviz"})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as resp:
            for block in iter(lambda: resp.read(CHUNK_BYTES), b""):
                out.write(block)
                digest.update(block)
                done += len(block)
                on_bytes(done)
            announced = resp.headers.get("Content-Length")
        if announced is not None and announced.isdigit() and done != int(announced):
            raise MnistDataError("network", f"{url}: connection closed after {done} of {announced} bytes")
        if digest.hexdigest() != md5:
            raise MnistDataError("checksum", f"{url}: MD5 {digest.hexdigest()} != expected {md5}")
        os.replace(tmp, dest)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise MnistDataError("http", f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, HTTPException, OSError) as exc:
        raise MnistDataError("network", f"{url}: download failed ({exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)


def download_mnist(
    cache_dir: str | Path | None = None,
    *,
    mirrors: Sequence[str] = DEFAULT_MIRRORS,
    files: Sequence[MnistFile] = DEFAULT_FILES,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> Path:
    """Fetch every file that is missing or fails its MD5 into the cache; mirrors tried in order.

    progress(bytes_done, bytes_total) counts all files fetched in this call; bytes_total
    is the sum of their expected sizes (adjusted to the real total by the last call).
    """
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MnistDataError("cache_unwritable", f"cannot create cache folder {directory}: {exc}") from exc
    folders = [f.name for f in files if (directory / f.name).is_dir()]
    if folders:
        raise MnistDataError("not_a_file", f"{', '.join(folders)} in {directory} are folders, not files")
    todo = [f for f in files if not (directory / f.name).is_file() or _md5(directory / f.name) != f.md5]
    total = sum(f.size for f in todo)
    base = fetched = 0
    for spec in todo:
        errors: list[MnistDataError] = []

        def report(file_done: int) -> None:
            nonlocal total, fetched
            fetched = file_done
            total = max(total, base + file_done)
            if progress is not None:
                progress(base + file_done, total)

        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + spec.name
            try:
                _fetch(url, directory / spec.name, spec.md5, timeout, report)
                break
            except MnistDataError as exc:
                errors.append(exc)
        else:
            details = "; ".join(str(e) for e in errors) or "no mirrors given"
            reason = errors[-1].reason if errors else "network"
            raise MnistDataError(reason, f"could not download {spec.name}: {details}")
        base += fetched
    if progress is not None and todo:
        progress(base, base)
    return directory


def _verify(directory: Path, files: Sequence[MnistFile]) -> None:
    """Every cached file is the published one: its size first (cheap), then its MD5."""
    for spec in files:
        path = directory / spec.name
        size = path.stat().st_size
        if size != spec.size or _md5(path) != spec.md5:
            raise MnistDataError("not_mnist", f"{path}: {size} bytes, not the published {spec.name} "
                                              f"({spec.size} bytes, MD5 {spec.md5})")


def _read_cache(directory: Path, files: Sequence[MnistFile]) -> Arrays:
    _verify(directory, files)
    train_img, train_lbl, test_img, test_lbl = (directory / f.name for f in files)
    return read_idx_pair(train_img, train_lbl), read_idx_pair(test_img, test_lbl)


@functools.cache
def _subset() -> Arrays:
    """The packaged 4 000 / 1 000 image subset (uint8, read-only), loaded once per process."""
    with resources.as_file(resources.files("nnviz.data") / SUBSET_RESOURCE) as path:
        with np.load(path) as npz:
            arrays = {k: npz[k] for k in ("x_train", "t_train", "x_test", "t_test")}
    for a in arrays.values():
        a.setflags(write=False)
    return (arrays["x_train"], arrays["t_train"]), (arrays["x_test"], arrays["t_test"])


def _raw_with_source(
    cache_dir: str | Path | None,
    allow_download: bool,
    mirrors: Sequence[str],
    files: Sequence[MnistFile],
    timeout: float,
    progress: Progress | None,
) -> tuple[Arrays, MnistSource]:
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    missing = [f.name for f in files if not (directory / f.name).is_file()]
    failure: MnistDataError | None = None
    if not missing:
        try:
            raw = _read_cache(directory, files)
            return raw, MnistSource("cache", len(raw[0][1]), len(raw[1][1]), directory)
        except MnistDataError as exc:
            failure = exc
    if allow_download:
        try:
            download_mnist(directory, mirrors=mirrors, files=files, timeout=timeout, progress=progress)
            raw = _read_cache(directory, files)
            return raw, MnistSource("download", len(raw[0][1]), len(raw[1][1]), directory)
        except MnistDataError as exc:
            failure = exc
    if failure is None:
        failure = MnistDataError(
            "not_cached", f"{', '.join(missing)} not found in {directory} and downloading is off"
        )
    raw = _subset()
    source = MnistSource("subset", len(raw[0][1]), len(raw[1][1]), None, str(failure), failure.reason)
    return raw, source


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _format(
    images: np.ndarray, labels: np.ndarray, normalize: bool, flatten: bool, one_hot_label: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Book layout: flatten → (N, 784) else (N, 1, 28, 28); normalize → float32 in [0, 1]."""
    x = images.reshape(len(images), -1) if flatten else images.reshape(len(images), 1, *images.shape[1:])
    if normalize:
        x = x.astype(np.float32)
        x /= 255
    t = np.eye(N_CLASSES, dtype=np.float32)[labels] if one_hot_label else labels
    return _readonly(x), _readonly(t)


def load_mnist_with_source(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    cache_dir: str | Path | None = None,
    allow_download: bool = False,
    mirrors: Sequence[str] = DEFAULT_MIRRORS,
    files: Sequence[MnistFile] = DEFAULT_FILES,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> tuple[Arrays, MnistSource]:
    """`load_mnist`'s data plus where it came from: cache, download, or the packaged subset."""
    ((xtr, ttr), (xte, tte)), source = _raw_with_source(
        cache_dir, allow_download, mirrors, files, timeout, progress
    )
    train = _format(xtr, ttr, normalize, flatten, one_hot_label)
    test = _format(xte, tte, normalize, flatten, one_hot_label)
    return (train, test), source


def mnist_cached(cache_dir: str | Path | None = None, files: Sequence[MnistFile] = DEFAULT_FILES) -> bool:
    """Whether all four IDX files are present in the cache folder (checked when loaded)."""
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return all((directory / f.name).is_file() for f in files)


def load_mnist_subset(
    normalize: bool = True, flatten: bool = True, one_hot_label: bool = False
) -> tuple[Arrays, MnistSource]:
    """The packaged 5 000-digit subset in the book's format, even when the full set is cached."""
    (xtr, ttr), (xte, tte) = _subset()
    train = _format(xtr, ttr, normalize, flatten, one_hot_label)
    test = _format(xte, tte, normalize, flatten, one_hot_label)
    return (train, test), MnistSource("subset", len(ttr), len(tte))


def load_mnist(normalize: bool = True, flatten: bool = True, one_hot_label: bool = False, **kwargs: Any) -> Arrays:
    """The book's loader: ((x_train, t_train), (x_test, t_test)) as read-only arrays.

    Keyword arguments (cache_dir, allow_download, …) are those of `load_mnist_with_source`.
    """
    data, _ = load_mnist_with_source(normalize, flatten, one_hot_label, **kwargs)
    return data
