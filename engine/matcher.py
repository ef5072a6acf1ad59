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
from collections.abc import Mapping

from experta.matchers import ReteMatcher
from experta.matchers.rete.abstract import OneInputNode
from experta.matchers.rete.check import FeatureCheck, TypeCheck
from experta.matchers.rete.mixins import ChildNode, NoMemory
from experta.matchers.rete.nodes import FeatureTesterNode
from experta.matchers.rete.token import Token


class TrackingMatcher(ReteMatcher):
    def build_network(self):
        super().build_network()
        self._touched: set[int] = set()
        for index, node in enumerate(self._get_conflict_set_nodes()):
            node._activate = self._noting(index, node._activate)
        self._memories = list(_with_memory(self.root_node))
        self._route_alpha_network()

    def _route_alpha_network(self):
        """Send a fact only to the alpha nodes whose test it can pass.

        The alpha network is experta's tree of one-input FeatureTesterNodes: below a fact type,
        one node per tested field and value (item == 'defensive_behaviour', 'at_most 2.0' ==
        True). experta hands every fact to every child, each on a copy of the token, although
        a fact has one value per field: an Observed fact met all 52 item tests. Here the
        children of the bus node and of every feature tester whose test is a type or a plain
        literal equality are found through an index on the fact's type or field value; those a
        fact cannot pass are skipped, the others are activated in experta's order and run
        experta's own test. A feature tester copies the token only when its test adds to the
        context (as experta would; a plain test changes nothing and every node below copies
        what it keeps)."""
        runs: dict[int, object] = {}

        def route(node):
            if id(node) in runs:
                return runs[id(node)]
            children = []
            for child in node.children:
                if isinstance(child.node, FeatureTesterNode) and _is_activate(child):
                    children.append(route(child.node))
                else:
                    children.append(child.callback)
            dispatch = _dispatcher(node.children, children)
            if isinstance(node, FeatureTesterNode):
                run = _tester(node.matcher, dispatch)
                runs[id(node)] = run
                return run
            return dispatch

        self._dispatch_root = route(self.root_node)

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
        root = self._dispatch_root
        for fact in deleting or ():
            root(Token.invalid(fact), fact)
        for fact in adding or ():
            root(Token.valid(fact), fact)
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


def _is_activate(child: ChildNode) -> bool:
    return getattr(child.callback, "__func__", None) is OneInputNode.activate


_VALUES = (str, bool, int)


def _index_key(node):
    """What a child's test can be looked up by: ('type', T), ('field', what, value), or None."""
    if not isinstance(node, FeatureTesterNode):
        return None
    matcher = node.matcher
    if isinstance(matcher, TypeCheck):
        return ("type", matcher.fact_type)
    if isinstance(matcher, FeatureCheck) and matcher.check.__name__ == "equal_literal":
        what, expected = matcher.what, matcher.expected
        # experta reads fact[what] (a name with '__' is a path, a numeric one a position)
        if (isinstance(what, str) and "__" not in what and not what.isnumeric() and expected.__bind__ is None
                and type(expected.value) in _VALUES):
            return ("field", what, expected.value)
    return None


def _dispatcher(entries, callbacks):
    """A function (token, fact) calling, in order, the callbacks of the children whose test the
    fact may pass; every child whose test is not indexed is always called."""
    always: list[int] = []
    by_type: dict[type, list[int]] = {}
    by_field: dict[str, dict[object, list[int]]] = {}
    for position, entry in enumerate(entries):
        key = _index_key(entry.node)
        if key is None:
            always.append(position)
        elif key[0] == "type":
            by_type.setdefault(key[1], []).append(position)
        else:
            by_field.setdefault(key[1], {}).setdefault(key[2], []).append(position)
    callbacks = tuple(callbacks)
    if not by_type and not by_field:
        def dispatch_all(token, fact):
            for callback in callbacks:
                callback(token)
        return dispatch_all
    fields = tuple(by_field.items())
    def dispatch(token, fact):
        positions = list(always)
        if by_type:
            positions.extend(by_type.get(type(fact), ()))
        for what, index in fields:
            try:
                value = fact[what]
            except (IndexError, KeyError, TypeError):
                continue  # experta's test fails on a missing field
            if type(value) in _VALUES or type(value) is float:
                positions.extend(index.get(value, ()))
            else:  # not a value an index can answer for: let every test of this field decide
                for found in index.values():
                    positions.extend(found)
        positions.sort()
        for position in positions:
            callbacks[position](token)

    return dispatch


def _tester(matcher, dispatch):
    """FeatureTesterNode.activate: experta's test and context update, copying only when the test
    adds to the context."""

    def run(token):
        (fact,) = token.data
        match = matcher(fact)
        if not match:
            return
        if isinstance(match, Mapping):
            token = token.copy()
            context = token.context
            for key, value in match.items():
                if isinstance(key, tuple):  # negated condition
                    if key[1] in context and context[key[1]] == value:
                        return
                else:
                    if context.get(key, value) != value:
                        return
                    if (False, key) in context and context[(False, key)] == value:
                        return
            context.update(match)
        dispatch(token, fact)

    return run
