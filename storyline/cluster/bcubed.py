"""B-cubed precision, recall and F1 of a clustering against a reference one:
how the stories benchmark scores clusterers, and how a batch's stories are
compared with the single-machine pipeline's."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass
class B3:
    precision: float
    recall: float
    f1: float
    clusters: int  # predicted clusters, singletons (and not-articles) included


def bcubed(pred: dict[str, str | None], gold: dict[str, str]) -> B3:
    """B-cubed over the items of ``gold``. A pred label of None (not-article) is scored as a
    singleton: precision 1, recall 1/|its gold cluster|."""
    labels = {i: (("__none__", i) if pred.get(i) is None else ("c", pred[i])) for i in gold}
    pc: dict = defaultdict(list)
    gc: dict = defaultdict(list)
    for i in gold:
        pc[labels[i]].append(i)
        gc[gold[i]].append(i)
    inter = Counter((labels[i], gold[i]) for i in gold)
    p = r = 0.0
    for i in gold:
        n = inter[(labels[i], gold[i])]
        p += n / len(pc[labels[i]])
        r += n / len(gc[gold[i]])
    p /= len(gold)
    r /= len(gold)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return B3(p, r, f, len(pc))
