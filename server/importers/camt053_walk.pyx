# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The camt.053 entry reader in compiled code: the same answers as camt053_fields.EntryReader, read straight
off libxml2's tree under lxml.

Why compiled: with lxml, most of an import's time went on handing each of an entry's ~35 elements to Python
(a proxy object and a "{namespace}name" tag string each) to look up what it means; no way of asking lxml from
Python avoided that (find(), XPath, XSLT, a flat iter() pass and parser targets were all measured). Here the
walk follows the C nodes of the entry lxml has just parsed, compares names as C strings, and builds Python
strings only for the texts it keeps. It reads, never changes, the tree, while the caller holds the entry's
element (so the document stays alive).

The rules are camt053_fields' element map (data, `rule_table`): nothing about camt is written here. Python's
EntryReader stays the reference and the fallback when this module is not built; tests require both to agree.
"""
from libc.string cimport strcmp, strlen
from cpython.bytes cimport PyBytes_AS_STRING

from lxml.includes cimport tree
cimport lxml.includes.etreepublic as cetree

cetree.import_lxml__etree()

cdef enum:  # rule kinds, numbered as camt053_fields numbers them
    GROUP = 0
    FIELD = 1
    LEAF = 2
    DETAIL = 3


cdef class _Rule:
    """One element name's rule: what its text fills, which attributes fill what, and its children's rules."""
    cdef bytes name
    cdef const char* c_name
    cdef int kind
    cdef str field
    cdef list sub  # of _Rule, or None: the element's children are passed over
    cdef list attributes  # of (bytes attribute name, str field)
    cdef object join  # str, or None: the first non-empty text wins


cdef list _compile(tuple table):
    cdef list out = []
    cdef _Rule rule
    for name, kind, field, sub, attributes, join in table:
        rule = _Rule()
        rule.name = name.encode("utf-8")
        rule.c_name = PyBytes_AS_STRING(rule.name)
        rule.kind = kind
        rule.field = field
        rule.sub = _compile(sub) if sub is not None else None
        rule.attributes = [(a.encode("utf-8"), f) for a, f in attributes]
        rule.join = join
        out.append(rule)
    return out


cdef str _decode(const tree.xmlChar* text, size_t size):
    return (<const char*>text)[:size].decode("utf-8")


cdef object _text(tree.xmlNode* node):
    """lxml's `.text`: the text and CDATA nodes before the element's first other child, joined; None if none."""
    cdef tree.xmlNode* c = node.children
    if c is NULL or (c.type != tree.XML_TEXT_NODE and c.type != tree.XML_CDATA_SECTION_NODE):
        return None
    cdef tree.xmlNode* after = c.next
    if after is NULL or (after.type != tree.XML_TEXT_NODE and after.type != tree.XML_CDATA_SECTION_NODE):
        return _decode(c.content, strlen(<const char*>c.content)) if c.content is not NULL else ""
    parts = []
    while c is not NULL and (c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE):
        if c.content is not NULL:
            parts.append(_decode(c.content, strlen(<const char*>c.content)))
        c = c.next
    return "".join(parts)


cdef object _attribute(tree.xmlNode* node, const char* name):
    """lxml's `.get(name)` for an attribute in no namespace (no DTD defaults: camt files have no DTD)."""
    cdef tree.xmlAttr* a = node.properties
    cdef tree.xmlNode* t
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            parts = []
            t = a.children
            while t is not NULL:
                if t.content is not NULL:
                    parts.append(_decode(t.content, strlen(<const char*>t.content)))
                t = t.next
            return "".join(parts)
        a = a.next
    return None


cdef class CompiledEntryReader:
    """entry element -> (entry fields, [fields of each TxDtls]), as camt053_fields.EntryReader."""

    cdef list rules
    cdef bytes ns
    cdef bint no_ns
    cdef dict empty_entry
    cdef readonly dict empty_detail

    def __init__(self, tuple table, str ns, tuple entry_names, tuple detail_names):
        self.rules = _compile(table)
        self.ns = ns.encode("utf-8")
        self.no_ns = not ns
        self.empty_entry = dict.fromkeys(entry_names, "")
        self.empty_detail = dict.fromkeys(detail_names, "")

    def __call__(self, cetree._Element el):
        cdef dict fields = self.empty_entry.copy()
        cdef list details = []
        self._walk(el._c_node, self.rules, fields, details)
        return fields, details

    cdef bint _named(self, tree.xmlNode* node):
        """Is the element in the camt namespace (or in none, when the reader was made for none)?"""
        if self.no_ns:
            return node.ns is NULL
        return node.ns is not NULL and node.ns.href is not NULL and \
            strcmp(<const char*>node.ns.href, PyBytes_AS_STRING(self.ns)) == 0

    cdef int _walk(self, tree.xmlNode* parent, list rules, dict out, list details) except -1:
        cdef tree.xmlNode* c = parent.children
        cdef _Rule rule
        cdef _Rule found
        cdef dict detail
        while c is not NULL:
            if c.type == tree.XML_ELEMENT_NODE and self._named(c):
                found = None
                for rule in rules:
                    if strcmp(<const char*>c.name, rule.c_name) == 0:
                        found = rule
                        break
                if found is not None:
                    self._apply(c, found, out, details)
            c = c.next
        return 0

    cdef int _apply(self, tree.xmlNode* c, _Rule rule, dict out, list details) except -1:
        cdef dict detail
        if rule.kind == FIELD:
            if not out[rule.field]:
                text = _text(c)
                if text:
                    out[rule.field] = text.strip()
            return 0  # a field's children, if any, are passed over
        if rule.kind == LEAF:
            text = _text(c)
            if text:
                text = text.strip()
                if text:
                    if not out[rule.field]:
                        out[rule.field] = text
                    elif rule.join is not None:
                        out[rule.field] += rule.join + text
            for attribute, target in rule.attributes:
                if not out[target]:
                    value = _attribute(c, PyBytes_AS_STRING(attribute))
                    out[target] = value.strip() if value else ""
            if rule.sub is not None:
                self._walk(c, rule.sub, out, details)
            return 0
        if rule.kind == DETAIL:
            detail = self.empty_detail.copy()
            details.append(detail)
            self._walk(c, rule.sub, detail, details)
            return 0
        self._walk(c, rule.sub, out, details)  # GROUP
        return 0
