"""Optional dense re-ranking: cosine similarity of sentence embeddings, added to the BM25 score of
the best candidates (``MatchingIndex(reranker=...)``, ``RankingSettings.rerank_depth`` and
``rerank_weight``).

Nothing here is needed by default and nothing is ever downloaded. ``EmbeddingReranker`` takes any
``encode(texts) -> array (n, d)``; ``EmbeddingReranker.from_local_model(path)`` builds one from a
sentence-transformers model already on disk (for example the directory that a model package
installed into site-packages carries), with the Hugging Face hub switched off, and refuses a name
that is not a directory on this machine. A deployment that wants it installs the model package
and ``sentence-transformers`` (and so PyTorch) itself; see docs/matching.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Encoder = Callable[[Sequence[str]], npt.NDArray[np.floating[Any]]]
ENCODE_BATCH = 64


class EmbeddingReranker:
    """Keeps one unit-length embedding per profile id; ``similarity`` is the cosine with the query,
    mapped from [-1, 1] to [0, 1]. The index calls ``add`` and ``remove`` as profiles change."""

    def __init__(self, encode: Encoder) -> None:
        self._encode = encode
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}

    def _unit(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        parts = [
            np.asarray(self._encode(list(texts[start : start + ENCODE_BATCH])), dtype=np.float32)
            for start in range(0, len(texts), ENCODE_BATCH)
        ]
        vectors = np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        """Embed ``(profile id, text)`` pairs (a later pair replaces an earlier one of the same id)."""
        pairs = list({identifier: text for identifier, text in items}.items())
        vectors = self._unit([text for _, text in pairs])
        for (identifier, _), vector in zip(pairs, vectors, strict=True):
            self._vectors[identifier] = vector

    def remove(self, profile_id: str) -> None:
        self._vectors.pop(profile_id, None)

    def __len__(self) -> int:
        return len(self._vectors)

    def similarity(self, query_text: str, profile_ids: Sequence[str]) -> list[float]:
        """Cosine of the query with each profile, on [0, 1]; 0 for a profile never embedded."""
        if not profile_ids:
            return []
        (query,) = self._unit([query_text])
        found = []
        for identifier in profile_ids:
            vector = self._vectors.get(identifier)
            found.append(0.0 if vector is None else (float(vector @ query) + 1.0) / 2.0)
        return found

    @classmethod
    def from_local_model(cls, path: str | Path) -> EmbeddingReranker:
        """A re-ranker on a sentence-transformers model stored in directory ``path`` (offline only).

        ``ValueError`` when ``path`` is not a directory; ``ImportError`` with what to install when
        ``sentence-transformers`` is missing. The hub is switched off before the library loads."""
        directory = Path(path)
        if not directory.is_dir():
            raise ValueError(f"{path}: not a model directory on this machine (models are never downloaded)")
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError as error:  # pragma: no cover - depends on the optional install
            raise ImportError(
                "dense re-ranking needs the optional sentence-transformers package and a model package"
            ) from error
        model = SentenceTransformer(str(directory), device="cpu", local_files_only=True)

        def encode(texts: Sequence[str]) -> npt.NDArray[np.floating[Any]]:
            return np.asarray(model.encode(list(texts), convert_to_numpy=True, show_progress_bar=False))

        return cls(encode)
