"""MNIST data: IDX parser, cache, download against a local server, packaged subset. No network."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.data import (
    DEFAULT_FILES,
    MnistDataError,
    MnistFile,
    default_cache_dir,
    download_mnist,
    load_mnist,
    load_mnist_with_source,
)
from nnviz.data.idx import read_idx_images, read_idx_labels, read_idx_pair

NAMES = [f.name for f in DEFAULT_FILES]


def idx_images(images: np.ndarray, magic: int = 0x803) -> bytes:
    n, rows, cols = images.shape
    return struct.pack(">IIII", magic, n, rows, cols) + images.astype(np.uint8).tobytes()


def idx_labels(labels: np.ndarray, magic: int = 0x801) -> bytes:
    return struct.pack(">II", magic, len(labels)) + labels.astype(np.uint8).tobytes()


def fake_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


@pytest.fixture
def fake_mnist() -> dict[str, object]:
    """Gzip IDX bodies for a 30/12 image fake MNIST, keyed by file name, plus the arrays."""
    (xtr, ttr), (xte, tte) = fake_split(30, 1), fake_split(12, 2)
    bodies = dict(
        zip(
            NAMES,
            [gzip.compress(b) for b in (idx_images(xtr), idx_labels(ttr), idx_images(xte), idx_labels(tte))],
        )
    )
    return {"bodies": bodies, "arrays": ((xtr, ttr), (xte, tte))}


def write_gz(path: Path, payload: bytes) -> Path:
    path.write_bytes(gzip.compress(payload))
    return path


def specs(bodies: dict[str, bytes]) -> list[MnistFile]:
    return [MnistFile(name, hashlib.md5(bodies[name]).hexdigest(), len(bodies[name])) for name in NAMES]


# ---------------------------------------------------------------- IDX parser


@settings(max_examples=20, deadline=None)
@given(n=st.integers(0, 5), seed=st.integers(0, 2**16))
def test_idx_round_trip(tmp_path_factory: pytest.TempPathFactory, n: int, seed: int) -> None:
    d = tmp_path_factory.mktemp("idx")
    x, t = fake_split(n, seed)
    images, labels = read_idx_pair(write_gz(d / "i.gz", idx_images(x)), write_gz(d / "l.gz", idx_labels(t)))
    assert images.dtype == np.uint8 and images.shape == (n, 28, 28)
    np.testing.assert_array_equal(images, x)
    np.testing.assert_array_equal(labels, t)


def test_idx_header_offsets_are_16_and_8(tmp_path: Path) -> None:
    x, t = fake_split(3, 0)
    raw_i, raw_l = idx_images(x), idx_labels(t)
    assert len(raw_i) - x.size == 16 and len(raw_l) - t.size == 8
    np.testing.assert_array_equal(read_idx_images(write_gz(tmp_path / "i.gz", raw_i)).ravel(), np.frombuffer(raw_i, np.uint8, offset=16))
    np.testing.assert_array_equal(read_idx_labels(write_gz(tmp_path / "l.gz", raw_l)), np.frombuffer(raw_l, np.uint8, offset=8))


@pytest.mark.parametrize(
    ("payload", "reader", "reason"),
    [
        (idx_images(np.zeros((2, 28, 28)), magic=0x801), read_idx_images, "bad_magic"),
        (idx_labels(np.zeros(2), magic=0x803), read_idx_labels, "bad_magic"),
        (idx_images(np.zeros((2, 28, 28)))[:-1], read_idx_images, "truncated"),
        (idx_images(np.zeros((2, 28, 28))) + b"\0", read_idx_images, "size_mismatch"),
        (idx_labels(np.zeros(4))[:-2], read_idx_labels, "truncated"),
        (b"\0\0\x08", read_idx_images, "truncated"),
        (struct.pack(">II", 0x803, 2), read_idx_images, "truncated"),
        (idx_images(np.zeros((2, 27, 28))), read_idx_images, "bad_dims"),
        (idx_labels(np.array([1, 10])), read_idx_labels, "bad_labels"),
    ],
)
def test_idx_rejects_bad_files(tmp_path: Path, payload: bytes, reader, reason: str) -> None:
    with pytest.raises(MnistDataError) as info:
        reader(write_gz(tmp_path / "f.gz", payload))
    assert info.value.reason == reason
    assert str(info.value)


def test_idx_not_gzip_truncated_gzip_and_missing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.gz"
    plain.write_bytes(idx_labels(np.arange(10)))
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(idx_images(np.ones((5, 28, 28))))[:-20])
    for path, reader in ((plain, read_idx_labels), (cut, read_idx_images)):
        with pytest.raises(MnistDataError) as info:
            reader(path)
        assert info.value.reason == "bad_gzip"
    with pytest.raises(MnistDataError) as info:
        read_idx_labels(tmp_path / "absent.gz")
    assert info.value.reason == "missing"


def test_idx_pair_counts_must_agree(tmp_path: Path) -> None:
    x, t = fake_split(4, 0)
    with pytest.raises(MnistDataError) as info:
        read_idx_pair(write_gz(tmp_path / "i.gz", idx_images(x)), write_gz(tmp_path / "l.gz", idx_labels(t[:3])))
    assert info.value.reason == "count_mismatch"


# ---------------------------------------------------------------- cache and formats


def fill_cache(directory: Path, bodies: dict[str, bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, body in bodies.items():
        (directory / name).write_bytes(body)
    return directory


def test_cache_is_used_and_formats_follow_the_book(tmp_path: Path, fake_mnist: dict) -> None:
    cache = fill_cache(tmp_path / "c", fake_mnist["bodies"])
    (xtr, ttr), (xte, tte) = fake_mnist["arrays"]
    (train, test), source = load_mnist_with_source(cache_dir=cache, files=specs(fake_mnist["bodies"]))
    assert source.kind == "cache" and source.reason is None and (source.n_train, source.n_test) == (30, 12)
    assert train[0].shape == (30, 784) and train[0].dtype == np.float32 and test[0].shape == (12, 784)
    np.testing.assert_array_equal(train[0], xtr.reshape(30, 784) / np.float32(255.0))
    np.testing.assert_array_equal(train[1], ttr)
    (x4, t4), _ = load_mnist(normalize=False, flatten=False, one_hot_label=True, cache_dir=cache,
                             files=specs(fake_mnist["bodies"]))
    assert x4.shape == (30, 1, 28, 28) and x4.dtype == np.uint8
    np.testing.assert_array_equal(x4[:, 0], xtr)
    assert t4.shape == (30, 10) and t4.dtype == np.float32
    np.testing.assert_array_equal(t4, (ttr[:, None] == np.arange(10)).astype(np.float32))
    assert not train[0].flags.writeable and not t4.flags.writeable


def test_corrupt_cache_without_download_falls_back_with_reason(tmp_path: Path, fake_mnist: dict) -> None:
    bodies = dict(fake_mnist["bodies"])
    bodies[NAMES[3]] = gzip.compress(idx_images(np.zeros((12, 28, 28))))
    _, source = load_mnist_with_source(cache_dir=fill_cache(tmp_path, bodies), files=specs(bodies))
    assert source.kind == "subset" and source.reason_code == "bad_magic"
    assert NAMES[3] in source.reason


def test_missing_cache_without_download_reports_not_cached(tmp_path: Path) -> None:
    _, source = load_mnist_with_source(cache_dir=tmp_path / "empty")
    assert source.kind == "subset" and source.reason_code == "not_cached"
    assert not (tmp_path / "empty").exists()


def test_cache_dir_from_env_and_platform_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("NNVIZ_DATA_DIR")
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "nnviz" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "nnviz" / "mnist"


# ---------------------------------------------------------------- download from a local server


class Server:
    """Local HTTP server; `routes[path] = (status, body, cut)` where cut sends half the body."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, bool]] = {}
        self.hits: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                owner.hits.append(self.path)
                status, body, cut = owner.routes.get(self.path, (404, b"", False))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if cut else body)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def url(self, mirror: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{mirror}/"

    def serve(self, mirror: str, bodies: dict[str, bytes], status: int = 200, cut: bool = False) -> None:
        for name, body in bodies.items():
            self.routes[f"/{mirror}/{name}"] = (status, body, cut)


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
    srv.thread.join()


def test_download_good_files_with_progress(tmp_path: Path, server: Server, fake_mnist: dict) -> None:
    bodies = fake_mnist["bodies"]
    server.serve("a", bodies)
    calls: list[tuple[int, int]] = []
    cache = tmp_path / "cache"
    (train, test), source = load_mnist_with_source(
        normalize=False, cache_dir=cache, allow_download=True, mirrors=[server.url("a")],
        files=specs(bodies), progress=lambda d, t: calls.append((d, t)),
    )
    assert source.kind == "download" and source.directory == cache
    (xtr, ttr), (xte, tte) = fake_mnist["arrays"]
    np.testing.assert_array_equal(train[0], xtr.reshape(-1, 784))
    np.testing.assert_array_equal(test[1], tte)
    assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)
    total = sum(len(b) for b in bodies.values())
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    server.hits.clear()
    _, again = load_mnist_with_source(cache_dir=cache, allow_download=True, mirrors=[server.url("a")], files=specs(bodies))
    assert again.kind == "cache" and server.hits == []


def test_second_mirror_used_when_first_fails(tmp_path: Path, server: Server, fake_mnist: dict) -> None:
    bodies = fake_mnist["bodies"]
    server.serve("bad", bodies, status=500)
    server.serve("good", bodies)
    directory = download_mnist(tmp_path, mirrors=[server.url("bad"), server.url("good")], files=specs(bodies))
    assert sorted(p.name for p in directory.iterdir()) == sorted(NAMES)
    assert sum(h.startswith("/bad/") for h in server.hits) == 4


@pytest.mark.parametrize(
    ("status", "cut", "wrong_md5", "reason"),
    [(200, False, True, "checksum"), (200, True, False, "network"), (404, False, False, "http"), (500, False, False, "http")],
)
def test_failed_download_leaves_no_file_and_falls_back(
    tmp_path: Path, server: Server, fake_mnist: dict, status: int, cut: bool, wrong_md5: bool, reason: str
) -> None:
    bodies = fake_mnist["bodies"]
    server.serve("m", bodies, status=status, cut=cut)
    files = specs(bodies)
    if wrong_md5:
        files = [MnistFile(f.name, "0" * 32, f.size) for f in files]
    with pytest.raises(MnistDataError) as info:
        download_mnist(tmp_path / "d", mirrors=[server.url("m")], files=files)
    assert info.value.reason == reason
    assert list((tmp_path / "d").iterdir()) == []
    data, source = load_mnist_with_source(cache_dir=tmp_path / "e", allow_download=True, mirrors=[server.url("m")], files=files)
    assert source.kind == "subset" and source.reason_code == reason
    assert list((tmp_path / "e").iterdir()) == []
    assert data[0][0].shape == (4000, 784)


def test_unreachable_mirror_is_a_network_error(tmp_path: Path, fake_mnist: dict) -> None:
    srv = Server()
    dead = srv.url("x")
    srv.httpd.server_close()
    with pytest.raises(MnistDataError) as info:
        download_mnist(tmp_path, mirrors=[dead], files=specs(fake_mnist["bodies"]), timeout=2)
    assert info.value.reason == "network" and list(tmp_path.iterdir()) == []


def test_corrupt_cached_file_is_replaced_by_download(tmp_path: Path, server: Server, fake_mnist: dict) -> None:
    bodies = fake_mnist["bodies"]
    fill_cache(tmp_path, bodies)
    (tmp_path / NAMES[0]).write_bytes(b"garbage")
    server.serve("m", bodies)
    _, source = load_mnist_with_source(cache_dir=tmp_path, allow_download=True, mirrors=[server.url("m")], files=specs(bodies))
    assert source.kind == "download"
    assert server.hits == [f"/m/{NAMES[0]}"]
    assert (tmp_path / NAMES[0]).read_bytes() == bodies[NAMES[0]]


def test_a_valid_idx_set_that_is_not_the_published_mnist_is_refused(tmp_path: Path, fake_mnist: dict) -> None:
    """30 + 12 well-formed images under the real names must not pass for full MNIST."""
    fill_cache(tmp_path, fake_mnist["bodies"])
    (train, _), source = load_mnist_with_source(cache_dir=tmp_path)
    assert source.kind == "subset" and source.reason_code == "not_mnist" and NAMES[0] in source.reason
    assert len(train[1]) == 4000, "the shipped subset, not the 30 fake images"


def test_a_cache_matching_its_md5s_is_trusted_without_download(tmp_path: Path, server: Server, fake_mnist: dict) -> None:
    fill_cache(tmp_path, fake_mnist["bodies"])
    server.serve("m", fake_mnist["bodies"])
    _, source = load_mnist_with_source(cache_dir=tmp_path, allow_download=True, mirrors=[server.url("m")],
                                       files=specs(fake_mnist["bodies"]))
    assert source.kind == "cache" and server.hits == []


def test_unwritable_cache_dir(tmp_path: Path, fake_mnist: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    files = specs(fake_mnist["bodies"])
    with pytest.raises(MnistDataError) as info:
        download_mnist(blocker / "mnist", mirrors=["http://127.0.0.1:9/"], files=files)
    assert info.value.reason == "cache_unwritable"

    def refuse(**kwargs: object) -> None:
        raise PermissionError("read-only folder")

    monkeypatch.setattr("nnviz.data.mnist.tempfile.mkstemp", refuse)
    with pytest.raises(MnistDataError) as info:
        download_mnist(tmp_path / "ro", mirrors=["http://127.0.0.1:9/"], files=files)
    assert info.value.reason == "cache_unwritable"


def test_progress_total_follows_the_real_sizes(tmp_path: Path, server: Server, fake_mnist: dict) -> None:
    bodies = fake_mnist["bodies"]
    server.serve("m", bodies)
    guessed = [MnistFile(f.name, f.md5, f.size + 1000) for f in specs(bodies)]
    calls: list[tuple[int, int]] = []
    download_mnist(tmp_path, mirrors=[server.url("m")], files=guessed, progress=lambda d, t: calls.append((d, t)))
    real = sum(len(b) for b in bodies.values())
    assert calls[0][1] == real + 4000 and calls[-1] == (real, real)


def test_download_is_opt_in(tmp_path: Path, server: Server, fake_mnist: dict) -> None:
    server.serve("m", fake_mnist["bodies"])
    _, source = load_mnist_with_source(cache_dir=tmp_path, mirrors=[server.url("m")], files=specs(fake_mnist["bodies"]))
    assert source.kind == "subset" and server.hits == []


# ---------------------------------------------------------------- packaged subset


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "none"))


@pytest.mark.usefixtures("no_cache")
def test_subset_offline_shapes_range_and_balance() -> None:
    (x_train, t_train), (x_test, t_test) = load_mnist()
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert x_train.dtype == np.float32 and t_train.dtype == np.uint8
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    np.testing.assert_array_equal(np.bincount(t_train, minlength=10), [400] * 10)
    np.testing.assert_array_equal(np.bincount(t_test, minlength=10), [100] * 10)
    assert len(np.unique(np.concatenate([x_train, x_test]), axis=0)) == 5000
    assert np.any(t_train[:10] != t_train[0]), "training order must be shuffled, not sorted by class"


@pytest.mark.usefixtures("no_cache")
def test_subset_formats() -> None:
    (raw, _), _ = load_mnist(normalize=False, flatten=False)
    assert raw.shape == (4000, 1, 28, 28) and raw.dtype == np.uint8 and raw.max() == 255
    (x, t), _ = load_mnist(one_hot_label=True)
    np.testing.assert_array_equal(x, (raw.reshape(4000, 784) / 255.0).astype(np.float32))
    assert t.shape == (4000, 10) and t.dtype == np.float32
    np.testing.assert_array_equal(t.sum(axis=1), 1)
    (_, labels), _ = load_mnist()
    np.testing.assert_array_equal(t.argmax(axis=1), labels)


def test_a_gzip_bomb_is_refused_from_its_header_without_decompressing(tmp_path) -> None:
    """A valid header announcing 10⁹ images, followed by zeros: refused after reading 16 bytes."""
    import tracemalloc

    from nnviz.data.idx import MnistDataError, read_idx_images

    path = tmp_path / "bomb-idx3-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">IIII", 0x803, 10**9, 28, 28))
        chunk = bytes(1 << 20)
        for _ in range(200):  # 200 MB of zeros, about 200 kB compressed
            f.write(chunk)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    with pytest.raises(MnistDataError) as info:
        read_idx_images(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert info.value.reason == "too_large" and peak < 5_000_000


def test_a_payload_longer_than_announced_stops_after_one_extra_byte(tmp_path) -> None:
    from nnviz.data.idx import MnistDataError, read_idx_images

    images, _ = fake_split(3, 0)
    path = tmp_path / "long.gz"
    path.write_bytes(gzip.compress(idx_images(images) + bytes(50 * 784)))
    with pytest.raises(MnistDataError) as info:
        read_idx_images(path)
    assert info.value.reason == "size_mismatch"


def test_a_folder_where_a_cache_file_should_be_is_named_as_such(tmp_path) -> None:
    from nnviz.data.mnist import DEFAULT_FILES, download_mnist, load_mnist_with_source

    (tmp_path / DEFAULT_FILES[0].name).mkdir()
    with pytest.raises(MnistDataError) as info:
        download_mnist(tmp_path, mirrors=["http://127.0.0.1:9/"])
    assert info.value.reason == "not_a_file" and "folder" in str(info.value)
    _, source = load_mnist_with_source(cache_dir=tmp_path, allow_download=True, mirrors=["http://127.0.0.1:9/"])
    assert source.kind == "subset" and source.reason_code == "not_a_file"
