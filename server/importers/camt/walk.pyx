# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The camt.053 entry reader in compiled code: the same answers as camt.fields.EntryReader, read straight
off libxml2's tree under lxml.

Why compiled: with lxml, most of an import's time went on handing each of an entry's ~35 elements to Python
(a proxy object and a "{namespace}name" tag string each) to look up what it means; no way of asking lxml from
Python avoided that (find(), XPath, XSLT, a flat iter() pass and parser targets were all measured). Here the
walk follows the C nodes of the entry lxml has just parsed, compares names as C strings, and builds Python
strings only for the texts it keeps. It reads, never changes, the tree, while the caller holds the entry's
element (so the document stays alive).

The rules are camt.fields' element map (data, `rule_table`): nothing about camt is written here. Python's
EntryReader stays the reference and the fallback when this module is not built; tests require both to agree.
"""
from cpython.bytes cimport PyBytes_AS_STRING
from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.ref cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport strcmp, strlen

from lxml.includes cimport tree
cimport lxml.includes.etreepublic as cetree

cetree.import_lxml__etree()

cdef enum:  # rule kinds, numbered as camt.fields numbers them
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


cdef inline bint _is_text(tree.xmlNode* c) noexcept:
    return c is not NULL and (c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE)


cdef inline bint _ascii_space(unsigned char b) noexcept:
    """The ASCII characters str.strip() removes."""
    return b == 32 or 9 <= b <= 13 or 28 <= b <= 31


cdef str _stripped(const char* s, size_t size):
    """`s.decode("utf-8").strip()`, without decoding what is stripped in the common (ASCII-edged) case."""
    cdef size_t start = 0, end = size
    while start < end and _ascii_space(<unsigned char>s[start]):
        start += 1
    while end > start and _ascii_space(<unsigned char>s[end - 1]):
        end -= 1
    if start < end and (<unsigned char>s[start] >= 0x80 or <unsigned char>s[end - 1] >= 0x80):
        return PyUnicode_DecodeUTF8(s + start, end - start, NULL).strip()  # non-ASCII whitespace, e.g. NBSP
    return PyUnicode_DecodeUTF8(s + start, end - start, NULL)


cdef str _text(tree.xmlNode* node):
    """lxml's `.text` (the text and CDATA nodes before the element's first other child, joined), stripped."""
    cdef tree.xmlNode* c = node.children
    if not _is_text(c):
        return ""
    if not _is_text(c.next):
        return _stripped(<const char*>c.content, strlen(<const char*>c.content)) if c.content is not NULL else ""
    cdef bytes joined = b""
    while _is_text(c):
        if c.content is not NULL:
            joined += <bytes>(<const char*>c.content)
        c = c.next
    return _stripped(PyBytes_AS_STRING(joined), len(joined))


cdef str _attribute(tree.xmlNode* node, const char* name):
    """lxml's `.get(name)` for an attribute in no namespace, stripped ("" if absent; camt files have no DTD,
    so there are no defaulted attributes)."""
    cdef tree.xmlAttr* a = node.properties
    cdef tree.xmlNode* t
    cdef bytes joined = b""
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            t = a.children
            while t is not NULL:
                if t.content is not NULL:
                    joined += <bytes>(<const char*>t.content)
                t = t.next
            return _stripped(PyBytes_AS_STRING(joined), len(joined))
        a = a.next
    return ""


cdef inline bint _empty(dict out, str field) except -1:
    """Is the field still unset (every field is a str, "" until read)?"""
    cdef PyObject* value = PyDict_GetItem(out, field)
    if value is NULL:
        raise KeyError(field)  # the map names a field the reader's dicts lack: a defect of camt.fields
    return len(<str>value) == 0


cdef struct _Walk:
    const char* ns  # the camt namespace, or NULL when the reader was made for elements in no namespace
    PyObject* empty_detail
    PyObject* details


cdef _Rule _rule_for(tree.xmlNode* c, list rules, const char* ns):
    """The rule for element `c` among its parent's rules, or None (not an element of the map)."""
    if c.type != tree.XML_ELEMENT_NODE:
        return None
    if ns is NULL:
        if c.ns is not NULL:
            return None
    elif c.ns is NULL or c.ns.href is NULL or strcmp(<const char*>c.ns.href, ns) != 0:
        return None
    cdef const char* name = <const char*>c.name
    cdef Py_ssize_t i
    cdef _Rule rule
    for i in range(PyList_GET_SIZE(rules)):
        rule = <_Rule>PyList_GET_ITEM(rules, i)
        if rule.c_name[0] == name[0] and strcmp(rule.c_name, name) == 0:
            return rule
    return None


cdef int _walk(_Walk* w, tree.xmlNode* parent, list rules, dict out) except -1:
    """Read the children of `parent` by `rules` into `out` (and new TxDtls dicts into the details list)."""
    cdef tree.xmlNode* c = parent.children
    cdef _Rule rule
    cdef dict detail
    cdef str text, old
    while c is not NULL:
        rule = _rule_for(c, rules, w.ns)
        if rule is not None:
            if rule.kind == FIELD:  # first non-empty text wins; a field's own children are passed over
                if _empty(out, rule.field):
                    text = _text(c)
                    if text:
                        PyDict_SetItem(out, rule.field, text)
            elif rule.kind == LEAF:
                text = _text(c)
                if text:
                    if _empty(out, rule.field):
                        PyDict_SetItem(out, rule.field, text)
                    elif rule.join is not None:
                        old = <str>PyDict_GetItem(out, rule.field)
                        PyDict_SetItem(out, rule.field, old + rule.join + text)
                for attribute, target in rule.attributes:
                    if _empty(out, target):
                        PyDict_SetItem(out, target, _attribute(c, PyBytes_AS_STRING(attribute)))
                if rule.sub is not None:
                    _walk(w, c, rule.sub, out)
            elif rule.kind == DETAIL:
                detail = (<dict>w.empty_detail).copy()
                (<list>w.details).append(detail)
                _walk(w, c, rule.sub, detail)
            else:  # GROUP
                _walk(w, c, rule.sub, out)
        c = c.next
    return 0


cdef class CompiledEntryReader:
    """entry element -> (entry fields, [fields of each TxDtls]), as camt.fields.EntryReader."""

    cdef list rules
    cdef bytes ns
    cdef dict empty_entry
    cdef readonly dict empty_detail

    def __init__(self, tuple table, str ns, tuple entry_names, tuple detail_names):
        self.rules = _compile(table)
        self.ns = ns.encode("utf-8") if ns else None
        self.empty_entry = dict.fromkeys(entry_names, "")
        self.empty_detail = dict.fromkeys(detail_names, "")

    def __call__(self, cetree._Element el):
        cdef dict fields = self.empty_entry.copy()
        cdef list details = []
        cdef _Walk w
        w.ns = PyBytes_AS_STRING(self.ns) if self.ns is not None else NULL
        w.empty_detail = <PyObject*>self.empty_detail
        w.details = <PyObject*>details
        _walk(&w, el._c_node, self.rules, fields)
        return fields, details
