"""Gradient-boosted trees of scikit-learn in the JSON form the shipped models read
(`archivist.extract.blockmodel.tree_value` evaluates them): shared by tools/train_layout.py and
tools/train_doctype.py."""

from __future__ import annotations

from typing import Any


def export_tree(tree: Any) -> list[list[float]]:
    """One fitted regression tree as nodes [feature, threshold, left, right] or leaves [value]."""
    nodes: list[list[float]] = []
    for k in range(tree.node_count):
        left, right = int(tree.children_left[k]), int(tree.children_right[k])
        if left == -1:
            nodes.append([round(float(tree.value[k][0][0]), 6)])
        else:
            nodes.append([int(tree.feature[k]), round(float(tree.threshold[k]), 6), left, right])
    return nodes
