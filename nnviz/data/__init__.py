"""Datasets: MNIST (cached IDX files, opt-in download, packaged offline subset)."""

from nnviz.data.idx import MnistDataError
from nnviz.data.mnist import (
    DEFAULT_FILES,
    DEFAULT_MIRRORS,
    MnistFile,
    MnistSource,
    default_cache_dir,
    download_mnist,
    load_mnist,
    load_mnist_subset,
    load_mnist_with_source,
    mnist_cached,
)

__all__ = [
    "DEFAULT_FILES",
    "DEFAULT_MIRRORS",
    "MnistDataError",
    "MnistFile",
    "MnistSource",
    "default_cache_dir",
    "download_mnist",
    "load_mnist",
    "load_mnist_subset",
    "load_mnist_with_source",
    "mnist_cached",
]
