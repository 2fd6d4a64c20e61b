"""Types that cross stage boundaries.

Every stage of tda_widgets hands its results to the next as one of these small,
frozen dataclasses with numpy fields. They carry provenance (which image, which
spatial position, which layer) so that a view can always map a mark back to the
images it came from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets._validation import as_points, describe

__all__ = ["Diagrams", "DistanceMatrix", "MapperGraph", "PointCloud"]


@dataclass(frozen=True, eq=False)
class PointCloud:
    """A layer's activations as an ``(n, d)`` point cloud, with provenance.

    Parameters
    ----------
    points : ndarray of float32, shape (n, d)
        One row per point.
    image_index : ndarray of int64, shape (n,)
        Index (into the data given to the extractor) of the image each point came from.
    position : ndarray of int64, shape (n, 2)
        ``(row, col)`` spatial position of each point in the layer's feature map,
        or ``-1`` in both columns for image-level points (pooled / flattened).
    layer : str
        Name of the layer (as in ``model.named_modules()``) or a free label.
    labels : ndarray of int64, shape (n,), optional
        Class label of each point's image, when the data had labels.
    params : mapping
        The sampler's name and parameters, so the cloud can be reproduced.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import PointCloud
    >>> cloud = PointCloud.from_array(np.zeros((3, 2)), layer="toy")
    >>> cloud.n_points, cloud.n_features
    (3, 2)
    """

    points: NDArray[np.float32]
    image_index: NDArray[np.int64]
    position: NDArray[np.int64]
    layer: str = ""
    labels: NDArray[np.int64] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_point_cloud_fields(self)

    @property
    def n_points(self) -> int:
        """Number of points ``n``."""
        return int(self.points.shape[0])

    @property
    def n_features(self) -> int:
        """Ambient dimension ``d`` of the points (scikit-learn's ``n_features``; ``dim``
        names a homology dimension everywhere else)."""
        return int(self.points.shape[1])

    @property
    def dim(self) -> int:
        """Deprecated name of :attr:`n_features`."""
        import warnings

        warnings.warn(
            "PointCloud.dim is deprecated; use .n_features (dim is a homology dimension "
            "everywhere else)",
            FutureWarning,
            stacklevel=2,
        )
        return self.n_features

    @classmethod
    def from_array(
        cls,
        points: Any,
        *,
        layer: str = "",
        labels: Any = None,
    ) -> PointCloud:
        """Wrap a plain ``(n, d)`` array; point ``i`` is taken to come from image ``i``.

        Examples
        --------
        >>> import numpy as np
        >>> PointCloud.from_array(np.eye(2), labels=[0, 1]).labels
        array([0, 1])
        """
        pts = as_points(points, name="points")
        n = pts.shape[0]
        return cls(
            points=pts,
            image_index=np.arange(n, dtype=np.int64),
            position=np.full((n, 2), -1, dtype=np.int64),
            layer=layer,
            labels=None if labels is None else np.asarray(labels, dtype=np.int64),
            params={"sampler": "array"},
        )

    def subset(self, indices: Any) -> PointCloud:
        """The cloud restricted to ``indices`` (provenance kept)."""
        idx = np.asarray(indices, dtype=np.int64)
        return PointCloud(
            points=self.points[idx],
            image_index=self.image_index[idx],
            position=self.position[idx],
            layer=self.layer,
            labels=None if self.labels is None else self.labels[idx],
            params={**self.params, "subset_of": self.n_points},
        )


@dataclass(frozen=True, eq=False)
class Diagrams:
    """Persistence diagrams of one point cloud, one ``(n_k, 2)`` array per dimension.

    Indexes like ripser's ``dgms``: ``diagrams[k]`` is the diagram of dimension ``k``.
    Infinite deaths are kept as ``inf``.

    Parameters
    ----------
    dgms : tuple of ndarray, each of shape (n_k, 2)
        ``(birth, death)`` pairs per homology dimension ``k = 0 .. maxdim``.
    generators : tuple of ndarray or None
        Per dimension, an ``(n_k, 4)`` int array: cloud indices of the two vertices of
        the edge that creates the feature (birth) and of the edge that kills it
        (death; ``-1`` for infinite bars). ``None`` when unknown.
    backend : str
        Which library computed the diagrams.
    layer : str
        Layer (or cloud) name.
    params : mapping
        Parameters of the computation (maxdim, threshold, subsampling record, ...).

    Examples
    --------
    >>> import numpy as np
    >>> d = Diagrams(dgms=(np.array([[0.0, np.inf]]), np.zeros((0, 2))))
    >>> len(d), d[0].shape
    (2, (1, 2))
    """

    dgms: tuple[NDArray[np.float64], ...]
    generators: tuple[NDArray[np.int64], ...] | None = None
    backend: str = ""
    layer: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, k: int) -> NDArray[np.float64]:
        return self.dgms[k]

    def __len__(self) -> int:
        return len(self.dgms)

    def __iter__(self) -> Iterator[NDArray[np.float64]]:
        return iter(self.dgms)

    @property
    def maxdim(self) -> int:
        """Highest homology dimension present."""
        return len(self.dgms) - 1


@dataclass(frozen=True, eq=False)
class DistanceMatrix:
    """A matrix of values between layers (or any named items): rows are ``layers``.

    A layer's matrix with itself (:func:`~tda_widgets.layer_distance_matrix`) is square
    and symmetric; a cross-model matrix (:func:`~tda_widgets.cross_distance_matrix`) is
    ``(L, M)`` with its own ``columns``. ``metric`` says what the values are: a distance
    (``"sliced_wasserstein"``, ``"wasserstein"``, ...) or a similarity
    (``"linear_cka"``, 1 on the diagonal: :func:`~tda_widgets.cka_matrix`).

    Parameters
    ----------
    values : ndarray of float64, shape (L, L) or (L, M)
        The distances or similarities.
    layers : tuple of str
        Row names, in order.
    columns : tuple of str or None
        Column names when they differ from the rows (cross matrices); ``None`` means
        the columns are the rows.
    metric : str
        What the values are, shown on colour bars.

    Examples
    --------
    >>> import numpy as np
    >>> m = DistanceMatrix(values=np.zeros((2, 2)), layers=("a", "b"))
    >>> m.values.shape
    (2, 2)
    """

    values: NDArray[np.float64]
    layers: tuple[str, ...]
    columns: tuple[str, ...] | None = None
    metric: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dataframe(self) -> Any:
        """The matrix as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        cols = self.columns if self.columns is not None else self.layers
        return pd.DataFrame(self.values, index=list(self.layers), columns=list(cols))


@dataclass(frozen=True, eq=False)
class MapperGraph:
    """A Mapper graph stored as flat arrays.

    Parameters
    ----------
    member_offsets : ndarray of int64, shape (n_nodes + 1,)
        Node ``k``'s members are ``members[member_offsets[k]:member_offsets[k+1]]``.
    members : ndarray of int64
        Cloud indices of each node's members, concatenated.
    edges : ndarray of int64, shape (m, 2)
        Pairs of node ids that share at least one point.
    edge_weights : ndarray of float64, shape (m,)
        Jaccard overlap of the two nodes' member sets.
    lens_mean : ndarray of float64, shape (n_nodes,)
        Mean lens value per node.
    class_counts : ndarray of int64, shape (n_nodes, n_classes) or None
        Number of members of each class per node, when labels were given.
    params : mapping
        Lens, cover and clusterer parameters.

    Examples
    --------
    >>> import numpy as np
    >>> g = MapperGraph(member_offsets=np.array([0, 2]), members=np.array([0, 1]),
    ...                 edges=np.zeros((0, 2), dtype=np.int64),
    ...                 edge_weights=np.zeros(0), lens_mean=np.array([0.5]))
    >>> g.n_nodes, g.node_members(0)
    (1, array([0, 1]))
    """

    member_offsets: NDArray[np.int64]
    members: NDArray[np.int64]
    edges: NDArray[np.int64]
    edge_weights: NDArray[np.float64]
    lens_mean: NDArray[np.float64]
    class_counts: NDArray[np.int64] | None = None
    layer: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.member_offsets.shape[0] - 1)

    def node_members(self, k: int) -> NDArray[np.int64]:
        """Cloud indices of node ``k``'s members."""
        if not 0 <= k < self.n_nodes:
            raise IndexError(f"node: expected 0 <= node < {self.n_nodes}, got {k}")
        return self.members[self.member_offsets[k] : self.member_offsets[k + 1]]

    @property
    def node_sizes(self) -> NDArray[np.int64]:
        """Number of members per node."""
        return np.diff(self.member_offsets)


def _check_point_cloud_fields(cloud: PointCloud) -> None:
    """Check the fields of a :class:`~tda_widgets.PointCloud` agree with each other."""
    pts = cloud.points
    if not isinstance(pts, np.ndarray) or pts.ndim != 2:
        raise ValueError(f"points: expected an (n, d) array, got {describe(pts)}")
    n = pts.shape[0]
    if np.shape(cloud.image_index) != (n,):
        raise ValueError(
            f"image_index: expected shape ({n},) to match points, got {np.shape(cloud.image_index)}"
        )
    if np.shape(cloud.position) != (n, 2):
        raise ValueError(
            f"position: expected shape ({n}, 2) to match points, got {np.shape(cloud.position)}"
        )
    if cloud.labels is not None and np.shape(cloud.labels) != (n,):
        raise ValueError(
            f"labels: expected shape ({n},) to match points, got {np.shape(cloud.labels)}"
        )
