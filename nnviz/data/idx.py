"""Reader for the gzip-compressed IDX files that MNIST is distributed in."""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
IMAGE_SIDE = 28
N_CLASSES = 10


class MnistDataError(Exception):
    """A missing, corrupt or unobtainable MNIST file; `reason` is a stable code for the UI."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# The largest split MNIST has: 60 000 images of 28 × 28 bytes. A file announcing more is refused
# before anything is decompressed, so a small gzip bomb cannot fill the memory.
MAX_ITEMS = 60_000


def _open_gzip(path: Path) -> gzip.GzipFile:
    if path.is_dir():
        raise MnistDataError("not_a_file", f"{path.name}: {path} is a folder, not a file")
    if not path.is_file():
        raise MnistDataError("missing", f"{path.name}: file not found in {path.parent}")
    return gzip.open(path, "rb")


def _parse(path: Path, magic: int, ndim: int) -> tuple[bytes, tuple[int, ...]]:
    """Read the IDX header first, check magic and dimensions, then decompress exactly the payload
    the dimensions announce (at most MAX_ITEMS items): streamed, never the whole file blindly."""
    try:
        with _open_gzip(path) as f:
            header = f.read(4 + 4 * ndim)
            if len(header) < 4:
                raise MnistDataError("truncated", f"{path.name}: file too short for an IDX header")
            (found,) = struct.unpack(">I", header[:4])
            if found != magic:
                raise MnistDataError(
                    "bad_magic", f"{path.name}: magic number 0x{found:08x}, expected 0x{magic:08x}"
                )
            if len(header) < 4 + 4 * ndim:
                raise MnistDataError("truncated", f"{path.name}: file too short for an IDX header")
            dims = struct.unpack(f">{ndim}I", header[4:])
            expected = _payload_size(path, dims)
            payload = f.read(expected)
            extra = len(f.read(1))
    except (OSError, EOFError, zlib.error) as exc:
        raise MnistDataError("bad_gzip", f"{path.name}: not a valid gzip file ({exc})") from exc
    if len(payload) != expected or extra:
        kind = "truncated" if len(payload) < expected else "size_mismatch"
        shown = len(payload) if kind == "truncated" else f"more than {expected}"
        raise MnistDataError(kind, f"{path.name}: payload has {shown} bytes, dimensions {dims} need {expected}")
    return payload, dims


def _payload_size(path: Path, dims: tuple[int, ...]) -> int:
    """Bytes the dimensions announce; MnistDataError beyond MAX_ITEMS items or 28 × 28 images."""
    if dims[0] > MAX_ITEMS or any(d > IMAGE_SIDE for d in dims[1:]):
        raise MnistDataError(
            "too_large", f"{path.name}: announces dimensions {dims}, more than MNIST's {MAX_ITEMS} × 28 × 28"
        )
    return int(np.prod(dims, dtype=np.int64))


def read_idx_images(path: str | Path) -> np.ndarray:
    """Images of an IDX3 file as a read-only uint8 array of shape (N, 28, 28)."""
    path = Path(path)
    payload, dims = _parse(path, IMAGES_MAGIC, 3)
    if dims[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise MnistDataError(
            "bad_dims", f"{path.name}: images are {dims[1]}x{dims[2]}, expected 28x28"
        )
    return np.frombuffer(payload, dtype=np.uint8).reshape(dims)


def read_idx_labels(path: str | Path) -> np.ndarray:
    """Labels of an IDX1 file as a read-only uint8 array of shape (N,), values 0–9."""
    path = Path(path)
    payload, _ = _parse(path, LABELS_MAGIC, 1)
    labels = np.frombuffer(payload, dtype=np.uint8)
    if labels.size and labels.max() >= N_CLASSES:
        raise MnistDataError("bad_labels", f"{path.name}: label {labels.max()} is not a digit 0–9")
    return labels


def read_idx_pair(images_path: str | Path, labels_path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels of one split, checking that their counts agree."""
    images = read_idx_images(images_path)
    labels = read_idx_labels(labels_path)
    if len(images) != len(labels):
        raise MnistDataError(
            "count_mismatch",
            f"{Path(images_path).name} has {len(images)} images but "
            f"{Path(labels_path).name} has {len(labels)} labels",
        )
    return images, labels
