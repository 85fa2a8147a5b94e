/* XML bytes -> element spans, and the text helpers the converters share.
 *
 * The scanner accepts only what the dumps are made of and reports anything else as
 * Unsupported (see fastxml.h); it never guesses. Where it accepts, it reproduces what
 * lxml (libxml2 with remove_blank_text) makes of the same bytes: .text is the text
 * before the first child, None when empty or blank before a child, references
 * resolved, "\r\n" and "\r" read as "\n".
 */
#include "fastxml.h"

#define MAX_DEPTH 48

int unsupported(const char *why) {
    PyErr_SetString(Unsupported, why);
    return -1;
}

static int new_node(Parser *ps) {
    if (ps->n_nodes == ps->cap_nodes) {
        int cap = ps->cap_nodes ? ps->cap_nodes * 2 : 256;
        Node *nodes = PyMem_Realloc(ps->nodes, sizeof(Node) * (size_t)cap);
        if (nodes == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        ps->nodes = nodes;
        ps->cap_nodes = cap;
    }
    return ps->n_nodes++;
}

/* Byte classes, looked up rather than compared: names are a quarter of the bytes.
 * Names: no ':' (a namespace prefix is left to lxml) and nothing beyond ASCII. */
enum { NAME_START = 1, NAME_CHAR = 2, ATTR_STOP = 4 };
static unsigned char byte_class[256];

static void init_byte_classes(void) {
    for (int c = 0; c < 256; c++) {
        int start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        int name = start || (c >= '0' && c <= '9') || c == '-' || c == '.';
        /* in an attribute value: its end, '<' (forbidden) and white space other than
         * ' ' (which XML would normalise) */
        int stop = c == '"' || c == '\'' || c == '<' || c == '\n' || c == '\t' || c == '\r';
        byte_class[c] = (unsigned char)((start ? NAME_START : 0) | (name ? NAME_CHAR : 0) |
                                        (stop ? ATTR_STOP : 0));
    }
}

static inline int is_name_start(unsigned char c) { return byte_class[c] & NAME_START; }
static inline int is_name_char(unsigned char c) { return byte_class[c] & NAME_CHAR; }

/* The document must be UTF-8 with only the characters XML 1.0 allows. */
static int check_characters(Parser *ps, const unsigned char *s, Py_ssize_t n) {
    const unsigned char *end = s + n;
    while (s < end) {
        if (end - s >= 8) {
            uint64_t w;
            memcpy(&w, s, 8);
            /* all ASCII and no byte below 0x20: the common case, eight bytes at a time */
            if (((w | (w - 0x2020202020202020ULL)) & 0x8080808080808080ULL) == 0) {
                s += 8;
                continue;
            }
        }
        unsigned char c = *s;
        if (c < 0x80) {
            if (c == '\r') ps->has_cr = 1;
            else if (c < 0x20 && c != '\n' && c != '\t') return unsupported("a control character");
            s++;
            continue;
        }
        Py_ssize_t len;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return unsupported("invalid UTF-8");
        if (end - s < len) return unsupported("invalid UTF-8");
        for (Py_ssize_t i = 1; i < len; i++) {
            if ((s[i] & 0xC0) != 0x80) return unsupported("invalid UTF-8");
            cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp >= 0xFFFE)) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return unsupported("invalid UTF-8 or a non-character");
        s += len;
    }
    return 0;
}

/* Checks the reference at s ('&'); returns its length and writes its UTF-8 form to
 * out (up to 4 bytes, *out_len), or -1 with Unsupported set. */
static Py_ssize_t reference(const char *s, const char *end, char *out, int *out_len) {
    const char *semi = memchr(s, ';', (size_t)(end - s) < 12 ? (size_t)(end - s) : 12);
    if (semi == NULL) return unsupported("an unknown or unterminated reference");
    Py_ssize_t len = semi - s + 1;
    const char *name = s + 1;
    Py_ssize_t name_len = semi - name;
    if (name_len >= 2 && name[0] == '#') {
        uint32_t cp = 0;
        const char *d = name + 1;
        int hex = (*d == 'x');
        if (hex) d++;
        if (d == semi) return unsupported("an empty character reference");
        for (; d < semi; d++) {
            unsigned char c = (unsigned char)*d;
            uint32_t v;
            if (c >= '0' && c <= '9') v = c - '0';
            else if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
            else return unsupported("a malformed character reference");
            cp = cp * (hex ? 16 : 10) + v;
            if (cp > 0x10FFFF) return unsupported("a character reference out of range");
        }
        if (!(cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
              (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000))
            return unsupported("a character reference to a character XML forbids");
        if (cp < 0x80) { out[0] = (char)cp; *out_len = 1; }
        else if (cp < 0x800) {
            out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); *out_len = 2;
        } else if (cp < 0x10000) {
            out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[2] = (char)(0x80 | (cp & 0x3F)); *out_len = 3;
        } else {
            out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
            *out_len = 4;
        }
        return len;
    }
    *out_len = 1;
    if (name_len == 3 && memcmp(name, "amp", 3) == 0) out[0] = '&';
    else if (name_len == 2 && memcmp(name, "lt", 2) == 0) out[0] = '<';
    else if (name_len == 2 && memcmp(name, "gt", 2) == 0) out[0] = '>';
    else if (name_len == 4 && memcmp(name, "quot", 4) == 0) out[0] = '"';
    else if (name_len == 4 && memcmp(name, "apos", 4) == 0) out[0] = '\'';
    else return unsupported("an entity other than the five XML predefines");
    return len;
}

/* Checks every reference in a span of text or attribute value; returns whether any. */
static int check_references(const char *s, const char *end) {
    int found = 0;
    char out[4];
    int out_len;
    while ((s = memchr(s, '&', (size_t)(end - s))) != NULL) {
        Py_ssize_t len = reference(s, end, out, &out_len);
        if (len < 0) return -1;
        s += len;
        found = 1;
    }
    return found;
}

static int parse_name(Parser *ps) {
    const char *p = ps->p;
    if (p >= ps->end || !is_name_start((unsigned char)*p))
        return unsupported("a tag or attribute name outside plain ASCII");
    p++;
    while (p < ps->end && is_name_char((unsigned char)*p)) p++;
    ps->p = p;
    return 0;
}

/* At "</": the end tag must close the element named `name`. */
static int parse_end_tag(Parser *ps, const char *name, Py_ssize_t name_len) {
    const char *p = ps->p + 2;
    if (ps->end - p <= name_len || memcmp(p, name, (size_t)name_len) != 0 ||
        is_name_char((unsigned char)p[name_len]))
        return unsupported("an end tag that does not match its start tag");
    p += name_len;
    while (p < ps->end && is_space(*p)) p++;
    if (p >= ps->end || *p != '>') return unsupported("a malformed end tag");
    ps->p = p + 1;
    return 0;
}

/* More than any element of the dumps has */
#define MAX_ATTRIBUTES 16

/* After a start tag's name: checks the attributes; sets *empty for "/>". Like lxml it
 * refuses a repeated attribute; a namespace declaration (xmlns="...", which renames the
 * elements) is left to lxml. */
static int parse_attributes(Parser *ps, int *empty) {
    const char *p = ps->p, *end = ps->end;
    const char *names[MAX_ATTRIBUTES];
    Py_ssize_t name_lens[MAX_ATTRIBUTES];
    int count = 0;
    *empty = 0;
    for (;;) {
        int spaced = 0;
        while (p < end && is_space(*p)) { p++; spaced = 1; }
        if (p >= end) return unsupported("a start tag that does not end");
        if (*p == '>') { p++; break; }
        if (*p == '/') {
            if (p + 1 < end && p[1] == '>') { p += 2; *empty = 1; break; }
            return unsupported("a malformed start tag");
        }
        if (!spaced) return unsupported("attributes without space between them");
        ps->p = p;
        if (parse_name(ps) < 0) return -1;
        Py_ssize_t name_len = ps->p - p;
        if (name_len == 5 && memcmp(p, "xmlns", 5) == 0)
            return unsupported("a namespace declaration");
        if (count == MAX_ATTRIBUTES) return unsupported("too many attributes");
        for (int i = 0; i < count; i++)
            if (name_lens[i] == name_len && memcmp(names[i], p, (size_t)name_len) == 0)
                return unsupported("a repeated attribute");
        names[count] = p;
        name_lens[count++] = name_len;
        p = ps->p;
        while (p < end && is_space(*p)) p++;
        if (p >= end || *p != '=') return unsupported("an attribute without a value");
        p++;
        while (p < end && is_space(*p)) p++;
        if (p >= end || (*p != '"' && *p != '\'')) return unsupported("an unquoted attribute");
        char quote = *p++;
        const char *value = p, *close = p;
        while (close < end && !(byte_class[(unsigned char)*close] & ATTR_STOP)) close++;
        while (close < end && *close != quote) {  /* the other quote may stand inside */
            if (*close != '"' && *close != '\'')
                return unsupported("an attribute value with '<' or a line break");
            close++;
            while (close < end && !(byte_class[(unsigned char)*close] & ATTR_STOP)) close++;
        }
        if (close >= end) return unsupported("an attribute value that does not end");
        if (check_references(value, close) < 0) return -1;
        p = close + 1;
    }
    ps->p = p;
    return 0;
}

/* At '<' of a start tag: parses the element and its subtree; returns its node index. */
static int parse_element(Parser *ps, int depth) {
    if (depth > MAX_DEPTH) return unsupported("elements nested too deep");
    int index = new_node(ps);
    if (index < 0) return -1;
    const char *end = ps->end;
    ps->p++;  /* '<' */
    const char *name = ps->p;
    if (parse_name(ps) < 0) return -1;
    Node node = {name, ps->p - name, ps->p, 0, NULL, 0, 0, -1, -1};
    int empty = 0;
    if (ps->p < end && *ps->p == '>') ps->p++;  /* no attributes: most tags */
    else if (parse_attributes(ps, &empty) < 0) return -1;
    node.attrs_len = ps->p - node.attrs;
    if (!empty) {
        int last_child = -1;
        int first_text = 1;
        for (;;) {
            const char *start = ps->p;
            const char *lt = memchr(start, '<', (size_t)(end - start));
            if (lt == NULL) return unsupported("an element that does not end");
            int amp = check_references(start, lt);
            if (amp < 0) return -1;
            if (lt + 1 >= end) return unsupported("markup that does not end");
            if (first_text) {
                first_text = 0;
                if (lt > start) {
                    /* libxml2 drops blank text before a first child (remove_blank_text)
                     * but keeps it in an element that has none */
                    int blank = 1;
                    for (const char *q = start; q < lt; q++)
                        if (!is_space(*q)) { blank = 0; break; }
                    if (!(blank && lt[1] != '/')) {
                        node.text = start;
                        node.text_len = lt - start;
                        node.text_amp = amp;
                    }
                }
            }
            ps->p = lt;
            if (lt[1] == '/') {
                if (parse_end_tag(ps, node.name, node.name_len) < 0) return -1;
                break;
            }
            if (lt[1] == '!' || lt[1] == '?')
                return unsupported("a comment, CDATA section or processing instruction");
            int child = parse_element(ps, depth + 1);
            if (child < 0) return -1;
            if (last_child < 0) node.first_child = child;
            else ps->nodes[last_child].next_sibling = child;
            last_child = child;
        }
    }
    ps->nodes[index] = node;
    return index;
}

int scan_begin(Parser *ps, const char *document, Py_ssize_t length) {
    if (!byte_class['a']) init_byte_classes();
    memset(ps, 0, sizeof(*ps));
    ps->p = document;
    ps->end = document + length;
    if (check_characters(ps, (const unsigned char *)document, length) < 0) return -1;
    /* "]]>" may only end a CDATA section (never accepted here): lxml refuses it in text;
     * in an attribute value it is legal, but the dumps never have it. One pass over the
     * document (']' is rare) rather than a search in every text; lxml decides. */
    for (const char *b = document; (b = memchr(b, ']', (size_t)(ps->end - b))) != NULL; b++)
        if (ps->end - b >= 3 && b[1] == ']' && b[2] == '>') return unsupported("']]>'");
    const char *p = ps->p, *end = ps->end;
    while (p < end && is_space(*p)) p++;
    if (p + 1 >= end || *p != '<' || p[1] == '!' || p[1] == '?' || p[1] == '/')
        return unsupported("a document that does not start with an element");
    ps->p = p + 1;
    ps->root = ps->p;
    if (parse_name(ps) < 0) return -1;
    ps->root_len = ps->p - ps->root;
    while (ps->p < end && is_space(*ps->p)) ps->p++;
    if (ps->p >= end || *ps->p != '>') return unsupported("a root element with attributes");
    ps->p++;
    return 0;
}

int scan_next_record(Parser *ps) {
    const char *end = ps->end;
    /* text between records: ignored, but it must be well-formed */
    const char *lt = memchr(ps->p, '<', (size_t)(end - ps->p));
    if (lt == NULL) return unsupported("a document that does not end");
    if (check_references(ps->p, lt) < 0) return -1;
    ps->p = lt;
    if (lt + 1 >= end) return unsupported("markup that does not end");
    if (lt[1] == '/') {
        if (parse_end_tag(ps, ps->root, ps->root_len) < 0) return -1;
        const char *p = ps->p;
        while (p < end && is_space(*p)) p++;
        if (p != end) return unsupported("content after the root element");
        return -1;
    }
    if (lt[1] == '!' || lt[1] == '?')
        return unsupported("a comment, CDATA section or processing instruction");
    ps->n_nodes = 0;
    return parse_element(ps, 0);
}

void scan_free(Parser *ps) {
    PyMem_Free(ps->nodes);
    PyMem_Free(ps->scratch.data);
    ps->nodes = NULL;
    ps->scratch.data = NULL;
    for (size_t i = 0; i < sizeof(ps->out) / sizeof(ps->out[0]); i++) {
        PyMem_Free(ps->out[i].data);
        ps->out[i].data = NULL;
    }
}

/* ---------------------------------------------------------------- text */

static inline int has_cr(Parser *ps, const char *s, Py_ssize_t n) {
    return ps->has_cr && n > 0 && memchr(s, '\r', (size_t)n) != NULL;
}

/* The decoded string of a checked span: references resolved, and line ends as XML
 * reads them ("\r\n" and a lone "\r" become "\n"). */
PyObject *decode(Parser *ps, const char *s, Py_ssize_t n, int amp) {
    if (!amp && !has_cr(ps, s, n)) return PyUnicode_DecodeUTF8(s, n, "strict");
    ps->scratch.len = 0;
    if (reserve(&ps->scratch, n) < 0) return NULL;
    char *out = ps->scratch.data;
    const char *end = s + n;
    while (s < end) {
        char c = *s;
        if (c == '&') {
            int out_len;
            Py_ssize_t len = reference(s, end, out, &out_len);
            if (len < 0) return NULL;
            out += out_len;
            s += len;
        } else if (c == '\r') {
            *out++ = '\n';
            s += (s + 1 < end && s[1] == '\n') ? 2 : 1;
        } else {
            *out++ = c;
            s++;
        }
    }
    return PyUnicode_DecodeUTF8(ps->scratch.data, out - ps->scratch.data, "strict");
}

static inline void trim_ascii(const char **s, Py_ssize_t *n) {
    while (*n > 0 && is_space(**s)) { (*s)++; (*n)--; }
    while (*n > 0 && is_space((*s)[*n - 1])) (*n)--;
}

/* str.strip() of the decoded span, cheaply: ASCII blanks are cut from the raw bytes;
 * str.strip only runs when what is left still starts or ends with white space (a
 * reference to a space, or a non-ASCII space such as U+00A0). */
PyObject *decode_stripped(Parser *ps, const char *s, Py_ssize_t n, int amp) {
    trim_ascii(&s, &n);
    if (n == 0) return Py_NewRef(empty_string);
    return stripped(decode(ps, s, n, amp));
}

PyObject *stripped(PyObject *text) {
    if (text == NULL) return NULL;
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (len > 0 && (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, 0)) ||
                    Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, len - 1)))) {
        PyObject *result = PyObject_CallMethod(text, "strip", NULL);
        Py_DECREF(text);
        return result;
    }
    return text;
}

int str_of(Parser *ps, const char *s, Py_ssize_t n, int amp, int strip, Str *out) {
    out->owner = NULL;
    if (strip) trim_ascii(&s, &n);
    if (!amp && !has_cr(ps, s, n) &&
        (!strip || n == 0 || ((unsigned char)s[0] < 0x80 && (unsigned char)s[n - 1] < 0x80))) {
        out->s = s;
        out->n = n;
        return 0;
    }
    PyObject *text = strip ? decode_stripped(ps, s, n, amp) : decode(ps, s, n, amp);
    if (text == NULL) return -1;
    Py_ssize_t len;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &len);
    if (utf8 == NULL) {
        Py_DECREF(text);
        return -1;
    }
    out->s = utf8;
    out->n = len;
    out->owner = text;
    return 0;
}

PyObject *str_object(const Str *value) {
    if (value->owner != NULL) return Py_NewRef(value->owner);
    if (value->n == 0) return Py_NewRef(empty_string);
    return PyUnicode_DecodeUTF8(value->s, value->n, "strict");
}

int text_str(Parser *ps, const Node *node, Str *out) {
    if (node == NULL || node->text == NULL) {
        out->s = "";
        out->n = 0;
        out->owner = NULL;
        return 0;
    }
    return str_of(ps, node->text, node->text_len, node->text_amp, 1, out);
}

/* element.text, or None */
PyObject *text_or_none(Parser *ps, const Node *node) {
    if (node->text == NULL) Py_RETURN_NONE;
    return decode(ps, node->text, node->text_len, node->text_amp);
}

/* The raw value of attribute `name` (quotes excluded), or 0 when absent. The attribute
 * text was checked by parse_attributes, so this walk needs no bounds checks beyond it. */
int find_attr(const Node *node, const char *name, Py_ssize_t name_len,
              const char **value, Py_ssize_t *value_len, int *amp) {
    const char *p = node->attrs, *end = node->attrs + node->attrs_len;
    while (p < end) {
        while (p < end && (is_space(*p) || *p == '/' || *p == '>')) p++;
        if (p >= end) break;
        const char *n = p;
        while (*p != '=' && !is_space(*p)) p++;
        Py_ssize_t n_len = p - n;
        while (*p != '"' && *p != '\'') p++;
        char quote = *p++;
        const char *v = p;
        while (*p != quote) p++;
        if (n_len == name_len && memcmp(n, name, (size_t)name_len) == 0) {
            *value = v;
            *value_len = p - v;
            *amp = memchr(v, '&', (size_t)(p - v)) != NULL;
            return 1;
        }
        p++;
    }
    return 0;
}

int attr_str(Parser *ps, const Node *node, const char *name, Str *out, int *found) {
    const char *value;
    Py_ssize_t len;
    int amp;
    *found = find_attr(node, name, (Py_ssize_t)strlen(name), &value, &len, &amp);
    if (!*found) {
        out->s = "";
        out->n = 0;
        out->owner = NULL;
        return 0;
    }
    return str_of(ps, value, len, amp, 0, out);
}

/* element.get(name, default): a new reference; default may be NULL for None */
PyObject *attr(Parser *ps, const Node *node, const char *name, PyObject *deflt) {
    const char *value;
    Py_ssize_t len;
    int amp;
    if (!find_attr(node, name, (Py_ssize_t)strlen(name), &value, &len, &amp)) {
        if (deflt == NULL) Py_RETURN_NONE;
        return Py_NewRef(deflt);
    }
    return decode(ps, value, len, amp);
}

static int is_ascii(const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return 0;
    return 1;
}

/* parse._int_or_none of a raw span (NULL for None): None beyond 2^63 - 1 */
PyObject *int_or_none(Parser *ps, const char *s, Py_ssize_t n, int amp) {
    if (s == NULL) Py_RETURN_NONE;
    if (amp || !is_ascii(s, n)) {
        PyObject *text = decode(ps, s, n, amp);
        if (text == NULL) return NULL;
        PyObject *result = PyObject_CallOneArg(py_int_or_none, text);
        Py_DECREF(text);
        return result;
    }
    trim_ascii(&s, &n);
    if (n == 0) Py_RETURN_NONE;
    int zero = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') Py_RETURN_NONE;
        if (s[i] != '0') zero = 0;
    }
    if (zero) Py_RETURN_NONE;
    if (n <= 18) {
        long long value = 0;
        for (Py_ssize_t i = 0; i < n; i++) value = value * 10 + (s[i] - '0');
        return PyLong_FromLongLong(value);
    }
    PyObject *digits = PyUnicode_DecodeASCII(s, n, "strict");
    if (digits == NULL) return NULL;
    PyObject *value = PyLong_FromUnicodeObject(digits, 10);
    Py_DECREF(digits);
    if (value == NULL) return NULL;
    int overflow;
    PyLong_AsLongLongAndOverflow(value, &overflow);  /* parse.MAX_ID: SQLite's INTEGER */
    if (overflow) {
        Py_DECREF(value);
        Py_RETURN_NONE;
    }
    return value;
}

PyObject *node_int(Parser *ps, const Node *node) {
    return int_or_none(ps, node->text, node->text_len, node->text_amp);
}

PyObject *attr_int(Parser *ps, const Node *node, const char *name) {
    const char *value;
    Py_ssize_t len;
    int amp;
    if (!find_attr(node, name, (Py_ssize_t)strlen(name), &value, &len, &amp)) Py_RETURN_NONE;
    return int_or_none(ps, value, len, amp);
}

/* parse.parse_year of a decoded string or None (a new reference) */
PyObject *year_of(PyObject *text) {
    if (text == Py_None || PyUnicode_GET_LENGTH(text) == 0) Py_RETURN_NONE;
    if (!PyUnicode_IS_ASCII(text)) return PyObject_CallOneArg(py_parse_year, text);
    const char *s = (const char *)PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i + 4 <= n; i++) {
        if (s[i] >= '0' && s[i] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9' &&
            s[i + 2] >= '0' && s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9') {
            int year = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 +
                       (s[i + 3] - '0');
            if (year >= 1860 && year <= 2100) return PyLong_FromLong(year);
            Py_RETURN_NONE;
        }
    }
    Py_RETURN_NONE;
}

int set_steal(PyObject *dict, PyObject *key, PyObject *value) {
    if (value == NULL) return -1;
    int rc = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return rc;
}

int append_steal(PyObject *list, PyObject *value) {
    if (value == NULL) return -1;
    int rc = PyList_Append(list, value);
    Py_DECREF(value);
    return rc;
}
