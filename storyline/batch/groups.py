"""Pairs joined into groups (union-find): near-copy pairs into groups of
copies, and clusters of different blocks into stories. Kept here rather than
taken from scipy, which the project does not otherwise need: a dozen lines
over only the pairs that reach the driver."""
from __future__ import annotations

from collections.abc import Hashable, Iterable


class Groups:
    def __init__(self) -> None:
        self.parent: dict = {}

    def root(self, x: Hashable):
        parent = self.parent
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])  # halve the path as we go
            x = parent[x]
        return x

    def join(self, pairs: Iterable[tuple]) -> "Groups":
        """Each pair in one group; a group is named by its smallest member."""
        for a, b in pairs:
            ra, rb = self.root(a), self.root(b)
            if ra != rb:
                self.parent[max(ra, rb)] = min(ra, rb)
        return self
