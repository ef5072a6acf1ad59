"""experta's Rete matcher, asked only about the rules whose conflict sets changed.

After every change of working memory, experta's ReteMatcher collects the new and withdrawn
activations by asking the conflict-set node of every rule, although a change reaches only a
few of them; with some 270 rules that scan cost as much per case as the matching itself.
This matcher builds, matches and activates exactly as experta does; it only notes which
conflict-set nodes a token reached since the last collection and asks those, in experta's
order. A reset clears the memory of each node once, and only of the nodes that have one.
"""

from __future__ import annotations

from kansrijk.engine.compat import experta  # noqa: F401  (experta must be patched first)
from experta.matchers import ReteMatcher
from experta.matchers.rete.mixins import NoMemory


class TrackingMatcher(ReteMatcher):
    def build_network(self):
        super().build_network()
        self._touched: set[int] = set()
        for index, node in enumerate(self._get_conflict_set_nodes()):
            node._activate = self._noting(index, node._activate)
        self._memories = list(_with_memory(self.root_node))

    def _noting(self, index: int, activate):
        touched = self._touched

        def noted(token):
            touched.add(index)
            return activate(token)

        return noted

    def reset(self):
        """ReteMatcher.reset without visiting a node twice or a node without memory."""
        for node in self._memories:
            node._reset()

    def changes(self, adding=None, deleting=None):
        """ReteMatcher.changes, collecting from the touched conflict-set nodes only."""
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        nodes = self._get_conflict_set_nodes()
        added, removed = [], []
        for index in sorted(self._touched):
            node_added, node_removed = nodes[index].get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        self._touched.clear()
        return added, removed


def _with_memory(root):
    """Every node below root that keeps a memory, once each, in the order experta resets them."""
    seen = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not isinstance(node, NoMemory):
            yield node
        stack.extend(child.node for child in reversed(node.children))
