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


def _read_gzip(path: Path) -> bytes:
    """Whole decompressed content of a gzip file, or MnistDataError."""
    if not path.is_file():
        raise MnistDataError("missing", f"{path.name}: file not found in {path.parent}")
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise MnistDataError("bad_gzip", f"{path.name}: not a valid gzip file ({exc})") from exc


def _parse(path: Path, magic: int, ndim: int) -> tuple[bytes, tuple[int, ...]]:
    """Check magic number and payload length; return the raw bytes and the dimensions."""
    raw = _read_gzip(path)
    header = 4 + 4 * ndim
    if len(raw) < 4:
        raise MnistDataError("truncated", f"{path.name}: file too short for an IDX header")
    (found,) = struct.unpack(">I", raw[:4])
    if found != magic:
        raise MnistDataError(
            "bad_magic", f"{path.name}: magic number 0x{found:08x}, expected 0x{magic:08x}"
        )
    if len(raw) < header:
        raise MnistDataError("truncated", f"{path.name}: file too short for an IDX header")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(dims, dtype=np.int64))
    if len(raw) - header != expected:
        kind = "truncated" if len(raw) - header < expected else "size_mismatch"
        raise MnistDataError(
            kind,
            f"{path.name}: payload has {len(raw) - header} bytes, dimensions {dims} need {expected}",
        )
    return raw[header:], dims


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
