"""ISO Schematron with XPath 2.0, for the CITS ERMS rules (erms.sch,
queryBinding "xslt2").

lxml's isoschematron compiles to XSLT 1.0 and refuses XPath 2.0 rules, and no
Schematron engine for XPath 2.0 installs here from a package registry
(pyschematron 1.x needs Python 3.12; saxonche is an XSLT 3.0 processor but
comes without a Schematron compiler). So the rules are evaluated directly
with elementpath's XPath 2.0 parser (which xmlschema already brings), with
Schematron's semantics: each pattern's rules in order, a node handled by the
first rule whose context matches it, every assert and report of that rule
evaluated with the node as the context item, and the messages with their
<name/> and <value-of/> filled in.

It supports what Schematron schemas of this kind use: ns, pattern, rule,
assert, report, let (on the schema, a pattern or a rule), name, value-of,
emph and dir. A schema using anything else (include, abstract patterns,
extends, phases) is refused when it is loaded, never half-checked."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from elementpath import XPath2Parser, XPathContext
from lxml import etree

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
_S = f"{{{SCH_NS}}}"
QUERY_BINDINGS = {"xslt2", "xpath2", "xslt3", "xpath31", "xslt", "xpath", None}
UNSUPPORTED = {"include", "extends", "phase", "active", "param"}


@dataclass(frozen=True)
class Failure:
    """A failed assert or a fired report."""

    rule_id: str
    role: str
    location: str
    message: str
    test: str


@dataclass
class _Check:
    kind: str  # "assert" or "report"
    id: str
    role: str
    test: object  # a parsed XPath
    test_text: str
    message: etree._Element


@dataclass
class _Rule:
    context: object
    context_text: str
    lets: list
    checks: list


def _context_expression(pattern: str) -> str:
    """An XSLT match pattern as the XPath that selects what it matches in a
    document: a relative pattern matches at any depth."""
    parts, depth, current = [], 0, ""
    for char in pattern:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return " | ".join(p.strip() if p.strip().startswith("/") else f"//{p.strip()}" for p in parts)


class Schematron:
    """A Schematron schema, loaded and compiled once."""

    def __init__(self, path: Path | str):
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        root = tree.getroot()
        if root.tag != f"{_S}schema":
            raise ValueError(f"{path} is not an ISO Schematron schema")
        binding = root.get("queryBinding")
        if binding not in QUERY_BINDINGS:
            raise ValueError(f"{path}: queryBinding {binding!r} is not supported")
        used = {etree.QName(e).localname for e in root.iter(f"{_S}*")} & UNSUPPORTED
        if used or root.xpath("//s:pattern[@abstract='true' or @is-a]", namespaces={"s": SCH_NS}):
            raise ValueError(f"{path} uses Schematron features not supported here: {sorted(used) or 'abstract'}")
        self.namespaces = {ns.get("prefix"): ns.get("uri") for ns in root.iter(f"{_S}ns")}
        self._lets = self._lets_of(root)
        self.patterns = []
        for pattern in root.iter(f"{_S}pattern"):
            rules = []
            for rule in pattern.iter(f"{_S}rule"):
                checks = [
                    _Check(kind=etree.QName(c).localname, id=c.get("id", ""), role=c.get("role", ""),
                           test=self._parse(f"boolean(({c.get('test')}))"), test_text=c.get("test"), message=c)
                    for c in rule if c.tag in (f"{_S}assert", f"{_S}report")]
                rules.append(_Rule(context=self._parse(_context_expression(rule.get("context"))),
                                   context_text=rule.get("context"), lets=self._lets_of(rule), checks=checks))
            self.patterns.append((pattern.get("id", ""), self._lets_of(pattern), rules))

    def _parse(self, expression: str):
        return XPath2Parser(namespaces=self.namespaces).parse(expression)

    def _lets_of(self, element) -> list:
        return [(let.get("name"), self._parse(let.get("value"))) for let in element if let.tag == f"{_S}let"]

    def validate(self, document: etree._ElementTree | etree._Element) -> list[Failure]:
        """Every failed assert and fired report, in the schema's order."""
        root = document.getroot() if isinstance(document, etree._ElementTree) else document
        context = XPathContext(root)
        variables: dict = {}
        self._bind(self._lets, context, variables)
        failures: list[Failure] = []
        for _pattern_id, lets, rules in self.patterns:
            pattern_variables = dict(variables)
            self._bind(lets, context, pattern_variables)
            handled: set[int] = set()
            for rule in rules:
                scope = copy.copy(context)
                scope.variables = dict(pattern_variables)
                for node in rule.context.select(scope):
                    if id(node) in handled:
                        continue
                    handled.add(id(node))
                    local = copy.copy(context)
                    local.item = node
                    local.variables = dict(pattern_variables)
                    self._bind(rule.lets, local, local.variables)
                    for check in rule.checks:
                        fired = bool(check.test.evaluate(copy.copy(local)))
                        if fired == (check.kind == "report"):
                            failures.append(Failure(rule_id=check.id, role=check.role,
                                                    location=getattr(node, "path", str(node)),
                                                    message=self._message(check.message, local),
                                                    test=check.test_text))
        return failures

    def _bind(self, lets, context, variables: dict) -> None:
        for name, expression in lets:
            scope = copy.copy(context)
            scope.variables = dict(variables)
            variables[name] = expression.evaluate(scope)
        context.variables = variables

    def _message(self, element, context) -> str:
        parts = [element.text or ""]
        for child in element:
            name = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if name == "name":
                path = child.get("path")
                value = self._parse(path).evaluate(copy.copy(context)) if path else context.item
                node = value[0] if isinstance(value, list) and value else value
                parts.append(str(getattr(node, "name", node)).rsplit("}", 1)[-1])
            elif name == "value-of":
                expression = f"string-join(for $v in ({child.get('select')}) return string($v), ' ')"
                parts.append(str(self._parse(expression).evaluate(copy.copy(context))))
            else:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        return " ".join("".join(parts).split())
