/* The compiled fast path of index_builder's dump parser: shared declarations.
 *
 * scan.c     XML bytes -> a flat array of element spans for one record (no tree, no
 *            Python objects), and the text helpers every converter uses
 * records.c  spans -> the record dicts of parse.py (release_from_element, ...)
 * rows.c     spans -> catalogue rows and album parts, skipping the dicts
 * module.c   the Python module: parse(), release_rows(), setup()
 *
 * The contract of every entry point: exactly what the Python reference returns, for
 * every document accepted; anything outside the plain XML of the dumps raises
 * Unsupported and the caller falls back to lxml and Python (tests/test_fastxml.py).
 */
#ifndef FASTXML_H
#define FASTXML_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- state in module.c */

extern PyObject *Unsupported;        /* exception: "parse this piece with lxml" */
extern PyObject *empty_string;
extern PyObject *py_int_or_none;     /* parse._int_or_none, for non-ASCII numbers */
extern PyObject *py_parse_year;      /* parse.parse_year, for non-ASCII dates */
extern PyObject *py_display_name;    /* catalog.display_name, for non-ASCII names */
extern PyObject *py_notes_line;      /* text.notes_line, for notes with markup */
extern PyObject *py_text_hash;       /* text.text_hash: OpenSSL hashes faster than C would */

enum {
    K_ID, K_NAME, K_ANV, K_JOIN, K_ROLE, K_TRACKS, K_POSITION, K_TITLE, K_DURATION,
    K_SUB_TRACKS, K_URL, K_QTY, K_TEXT, K_DESCRIPTIONS, K_CATNO, K_RELEASE_ID, K_STATUS,
    K_ARTISTS, K_EXTRA_ARTISTS, K_LABELS, K_SERIES, K_FORMATS, K_GENRES, K_STYLES,
    K_COUNTRY, K_RELEASED, K_NOTES, K_DATA_QUALITY, K_MASTER_ID, K_IS_MAIN_RELEASE,
    K_TRACKLIST, K_VIDEOS, K_YEAR, K_MAIN_RELEASE, K_ARTIST_NAMES, K_LABEL_NAMES,
    K_FORMAT_NAMES, K_DETAILS, N_KEYS
};
extern PyObject *KEYS[N_KEYS];       /* interned dict keys */

/* ---------------------------------------------------------------- scan.c */

typedef struct {
    const char *name;
    Py_ssize_t name_len;
    const char *attrs;          /* the raw, checked attribute text of the start tag */
    Py_ssize_t attrs_len;
    const char *text;           /* what lxml's .text holds, undecoded; NULL for None */
    Py_ssize_t text_len;        /* > 0 whenever text is not NULL */
    int text_amp;               /* the text holds an entity or character reference */
    int first_child;            /* node indices, -1 for none */
    int next_sibling;
} Node;

/* A growing byte buffer (JSON and text being written) */
typedef struct {
    char *data;
    Py_ssize_t len;
    Py_ssize_t cap;
} Buf;

typedef struct {
    const char *p;
    const char *end;
    Node *nodes;
    int n_nodes;
    int cap_nodes;
    Buf scratch;                /* decoded text */
    int has_cr;                 /* the document holds '\r' (text must be rewritten) */
    const char *root;           /* the root element's name */
    Py_ssize_t root_len;
    Buf out[4];                 /* rows.c: JSON, artist credit, names, details */
} Parser;

/* One record at a time: `begin` checks the document and enters its root element;
 * `next_record` parses the next child of the root into ps->nodes and returns its
 * index (0), or -1 at the end of the root (no error set) or on an error (set). */
int scan_begin(Parser *ps, const char *document, Py_ssize_t length);
int scan_next_record(Parser *ps);
void scan_free(Parser *ps);

int unsupported(const char *why);

static inline int is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

#define NODE(ps, index) ((index) < 0 ? NULL : &(ps)->nodes[index])
#define CHILDREN(ps, parent, child) \
    for (const Node *child = NODE(ps, (parent)->first_child); child != NULL; \
         child = NODE(ps, child->next_sibling))
#define TAG_IS(node, literal) \
    ((node)->name_len == (Py_ssize_t)(sizeof(literal) - 1) && \
     memcmp((node)->name, literal, sizeof(literal) - 1) == 0)

/* The decoded value of a checked span as UTF-8 bytes: references resolved, line ends
 * as XML reads them and, with `strip`, str.strip() applied. Points into the document
 * where nothing changes; else into `owner`, a str the caller releases (Str_release). */
typedef struct {
    const char *s;
    Py_ssize_t n;
    PyObject *owner;
} Str;

int str_of(Parser *ps, const char *s, Py_ssize_t n, int amp, int strip, Str *out);
static inline void str_release(Str *value) { Py_CLEAR(value->owner); }
PyObject *str_object(const Str *value);        /* a new str of the value */

/* `text.strip() if text else ""` of an element's text */
int text_str(Parser *ps, const Node *node, Str *out);
/* element.get(name, ""): found is 0 when the attribute is absent */
int attr_str(Parser *ps, const Node *node, const char *name, Str *out, int *found);

PyObject *decode(Parser *ps, const char *s, Py_ssize_t n, int amp);
PyObject *decode_stripped(Parser *ps, const char *s, Py_ssize_t n, int amp);
PyObject *stripped(PyObject *text);   /* str.strip(), stealing the str (NULL passes) */
PyObject *text_or_none(Parser *ps, const Node *node);
PyObject *attr(Parser *ps, const Node *node, const char *name, PyObject *deflt);
PyObject *int_or_none(Parser *ps, const char *s, Py_ssize_t n, int amp);
PyObject *node_int(Parser *ps, const Node *node);
PyObject *attr_int(Parser *ps, const Node *node, const char *name);
PyObject *year_of(PyObject *text);
int find_attr(const Node *node, const char *name, Py_ssize_t name_len,
              const char **value, Py_ssize_t *value_len, int *amp);

/* dict[key] = value / list.append(value), stealing the value (NULL: fail) */
int set_steal(PyObject *dict, PyObject *key, PyObject *value);
int append_steal(PyObject *list, PyObject *value);

/* ---------------------------------------------------------------- json.c */

int grow(Buf *b, Py_ssize_t extra);
/* inline: the JSON is written a few bytes at a time */
static inline int reserve(Buf *b, Py_ssize_t extra) {
    return b->len + extra <= b->cap ? 0 : grow(b, extra);
}
static inline int put(Buf *b, const char *s, Py_ssize_t n) {
    if (reserve(b, n) < 0) return -1;
    memcpy(b->data + b->len, s, (size_t)n);
    b->len += n;
    return 0;
}
#define PUTS(b, literal) put(b, literal, (Py_ssize_t)sizeof(literal) - 1)
PyObject *buf_object(const Buf *b);                       /* a str of the buffer */
int json_string(Buf *b, const char *s, Py_ssize_t n);     /* a JSON string of UTF-8 */
int json_str(Buf *b, const Str *value);
int json_int(Buf *b, PyObject *value);                    /* an int, or null for None */
int json_value(Buf *b, PyObject *value);                  /* str, int, None, list, dict */

/* ---------------------------------------------------------------- records.c, rows.c, albums.c */

PyObject *release_record(Parser *ps, const Node *element);
PyObject *master_record(Parser *ps, const Node *element);
/* (catalog.release_row(record), albums.release_part(record, row[3], template)) */
PyObject *release_row_and_part(Parser *ps, const Node *element, int with_details);
/* albums.single_album_row(part, template): the albums-table values of a release alone */
PyObject *album_row_of_part(PyObject *part, int with_details);

/* ---------------------------------------------------------------- piece.c */

/* chunkdb.pack: [(table, rows)] into a copy of `empty`, serialized */
PyObject *pack_piece(PyObject *empty, long long read, PyObject *tables);

#endif
