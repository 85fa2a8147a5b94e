/* The Python module index_builder._fastxml (see fastxml.h for the layout). */
#include "fastxml.h"
#include <marshal.h>

PyObject *Unsupported;
PyObject *empty_string;
PyObject *py_int_or_none;
PyObject *py_parse_year;
PyObject *py_display_name;
PyObject *py_notes_line;
PyObject *py_text_hash;
PyObject *KEYS[N_KEYS];

static const char *KEY_NAMES[N_KEYS] = {
    "id", "name", "anv", "join", "role", "tracks", "position", "title", "duration",
    "sub_tracks", "url", "qty", "text", "descriptions", "catno", "release_id", "status",
    "artists", "extra_artists", "labels", "series", "formats", "genres", "styles",
    "country", "released", "notes", "data_quality", "master_id", "is_main_release",
    "tracklist", "videos", "year", "main_release", "artist_names", "label_names",
    "format_names", "details",
};

static int ready(void) {
    if (py_int_or_none && py_parse_year && py_display_name && py_notes_line && py_text_hash)
        return 1;
    PyErr_SetString(PyExc_RuntimeError, "call _fastxml.setup() first");
    return 0;
}

/* Calls `convert` on every record of the document's root whose tag is `kind`; keeps
 * what it returns unless that is None. */
static PyObject *each_record(PyObject *document, const char *kind,
                             PyObject *(*convert)(Parser *, const Node *, int), int flag) {
    Py_buffer buffer;
    if (!ready() || PyObject_GetBuffer(document, &buffer, PyBUF_SIMPLE) < 0) return NULL;
    Parser ps;
    PyObject *records = NULL;
    Py_ssize_t kind_len = (Py_ssize_t)strlen(kind);
    if (scan_begin(&ps, buffer.buf, buffer.len) == 0 && (records = PyList_New(0)) != NULL) {
        int index;
        while ((index = scan_next_record(&ps)) >= 0) {
            const Node *element = &ps.nodes[index];
            if (element->name_len != kind_len || memcmp(element->name, kind, (size_t)kind_len) != 0)
                continue;
            PyObject *record = convert(&ps, element, flag);
            if (record == NULL) break;
            if (record == Py_None) {
                Py_DECREF(record);
                continue;
            }
            if (append_steal(records, record) < 0) break;
        }
        if (PyErr_Occurred()) Py_CLEAR(records);
    }
    scan_free(&ps);
    PyBuffer_Release(&buffer);
    return records;
}

/* The record converters, None for a record without an id (parse.py skips those) */
static PyObject *keyed(PyObject *record, int key) {
    if (record == NULL) return NULL;
    PyObject *id = PyDict_GetItemWithError(record, KEYS[key]);
    if (id == NULL || id == Py_None) {
        Py_DECREF(record);
        if (PyErr_Occurred()) return NULL;
        Py_RETURN_NONE;
    }
    return record;
}

static PyObject *release_or_none(Parser *ps, const Node *element, int unused) {
    (void)unused;
    return keyed(release_record(ps, element), K_RELEASE_ID);
}

static PyObject *master_or_none(Parser *ps, const Node *element, int unused) {
    (void)unused;
    return keyed(master_record(ps, element), K_MASTER_ID);
}

static PyObject *fastxml_parse(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *document;
    const char *kind;
    if (!PyArg_ParseTuple(args, "Os:parse", &document, &kind)) return NULL;
    if (strcmp(kind, "release") == 0) return each_record(document, "release", release_or_none, 0);
    if (strcmp(kind, "master") == 0) return each_record(document, "master", master_or_none, 0);
    PyErr_Format(PyExc_ValueError, "kind must be 'release' or 'master', not '%s'", kind);
    return NULL;
}

static PyObject *fastxml_release_rows(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *document;
    int with_details;
    if (!PyArg_ParseTuple(args, "Op:release_rows", &document, &with_details)) return NULL;
    return each_record(document, "release", release_row_and_part, with_details);
}

/* ingest._staged over release_rows: (records, rows, single albums, member albums, parts) */
static PyObject *fastxml_staged_releases(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *document;
    int with_details, alone;
    if (!PyArg_ParseTuple(args, "Opp:staged_releases", &document, &with_details, &alone))
        return NULL;
    PyObject *pairs = each_record(document, "release", release_row_and_part, with_details);
    if (pairs == NULL) return NULL;
    PyObject *rows = PyList_New(0), *singles = PyList_New(0), *members = PyList_New(0),
             *parts = PyList_New(0), *result = NULL;
    if (rows == NULL || singles == NULL || members == NULL || parts == NULL) goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pairs); i++) {
        PyObject *pair = PyList_GET_ITEM(pairs, i);
        PyObject *row = PyTuple_GET_ITEM(pair, 0), *part = PyTuple_GET_ITEM(pair, 1);
        if (PyList_Append(rows, row) < 0) goto done;
        PyObject *master_id = PyDict_GetItemWithError(part, KEYS[K_MASTER_ID]);
        if (master_id == NULL) goto done;
        if (master_id == Py_None || alone) {
            PyObject *album = album_row_of_part(part, with_details);
            if (album == NULL) goto done;
            if (master_id == Py_None) {
                if (append_steal(singles, album) < 0) goto done;
                continue;
            }
            /* a member album: the master id after the release id */
            Py_ssize_t n = PyTuple_GET_SIZE(album);
            PyObject *member = PyTuple_New(n + 1);
            if (member == NULL) { Py_DECREF(album); goto done; }
            for (Py_ssize_t j = 0, k = 0; j <= n; j++)
                PyTuple_SET_ITEM(member, j, Py_NewRef(j == 1 ? master_id : PyTuple_GET_ITEM(album, k++)));
            Py_DECREF(album);
            if (append_steal(members, member) < 0) goto done;
        }
        PyObject *packed = PyMarshal_WriteObjectToString(part, Py_MARSHAL_VERSION);
        if (packed == NULL) goto done;
        PyObject *is_main = PyDict_GetItemWithError(part, KEYS[K_IS_MAIN_RELEASE]);
        if (is_main == NULL) { Py_DECREF(packed); goto done; }
        if (append_steal(parts, Py_BuildValue("(OOiN)", PyTuple_GET_ITEM(row, 0), master_id,
                                              is_main == Py_True, packed)) < 0) goto done;
    }
    result = Py_BuildValue("(nOOOO)", PyList_GET_SIZE(pairs), rows, singles, members, parts);
done:
    Py_DECREF(pairs);
    Py_XDECREF(rows);
    Py_XDECREF(singles);
    Py_XDECREF(members);
    Py_XDECREF(parts);
    return result;
}

static PyObject *fastxml_album_row(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *part;
    int with_details;
    if (!PyArg_ParseTuple(args, "O!p:album_row", &PyDict_Type, &part, &with_details)) return NULL;
    return album_row_of_part(part, with_details);
}

static PyObject *fastxml_pack_piece(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *empty, *tables;
    long long read;
    if (!PyArg_ParseTuple(args, "OLO!:pack_piece", &empty, &read, &PyList_Type, &tables))
        return NULL;
    return pack_piece(empty, read, tables);
}

static PyObject *fastxml_setup(PyObject *module, PyObject *args) {
    (void)module;
    PyObject *int_or_none_f, *parse_year_f, *display_name_f, *notes_line_f, *text_hash_f;
    if (!PyArg_ParseTuple(args, "OOOOO:setup", &int_or_none_f, &parse_year_f, &display_name_f,
                          &notes_line_f, &text_hash_f))
        return NULL;
    Py_XSETREF(py_int_or_none, Py_NewRef(int_or_none_f));
    Py_XSETREF(py_parse_year, Py_NewRef(parse_year_f));
    Py_XSETREF(py_display_name, Py_NewRef(display_name_f));
    Py_XSETREF(py_notes_line, Py_NewRef(notes_line_f));
    Py_XSETREF(py_text_hash, Py_NewRef(text_hash_f));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"parse", fastxml_parse, METH_VARARGS,
     "parse(document, kind) -> the records, as parse.parse_document_lxml returns them.\n"
     "Raises Unsupported for anything outside the plain XML of the dumps."},
    {"release_rows", fastxml_release_rows, METH_VARARGS,
     "release_rows(document, with_details) -> [(row, part)] for each release: row as\n"
     "catalog.release_row(record), part as albums.release_part(record, row[3], template)\n"
     "with template full-v1 (with_details) or one without details. Raises Unsupported\n"
     "as parse() does."},
    {"staged_releases", fastxml_staged_releases, METH_VARARGS,
     "staged_releases(document, with_details, alone) -> (records, rows, single albums,\n"
     "member albums, parts): ingest._staged over release_rows, in one call."},
    {"pack_piece", fastxml_pack_piece, METH_VARARGS,
     "pack_piece(empty, read, [(table, rows)]) -> bytes: the rows inserted into a copy of\n"
     "the serialized database `empty`, its user_version set to `read`, serialized again\n"
     "(chunkdb.pack). Only where PACKS_PIECES is true."},
    {"album_row", fastxml_album_row, METH_VARARGS,
     "album_row(part, with_details) -> albums.single_album_row(part, template), the\n"
     "albums-table values of a release alone (template full-v1 with details, else core-v1)."},
    {"setup", fastxml_setup, METH_VARARGS,
     "setup(int_or_none, parse_year, display_name, notes_line, text_hash): the Python\n"
     "functions that decide the rare values (beyond ASCII, markup in notes) the C code\n"
     "leaves, and the hash of album texts."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_fastxml",
    "The compiled fast path of index_builder.parse (see _fastxml/fastxml.h).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastxml(void) {
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    empty_string = PyUnicode_FromStringAndSize("", 0);
    if (empty_string == NULL) return NULL;
    for (int i = 0; i < N_KEYS; i++) {
        KEYS[i] = PyUnicode_InternFromString(KEY_NAMES[i]);
        if (KEYS[i] == NULL) return NULL;
    }
    Unsupported = PyErr_NewExceptionWithDoc(
        "index_builder._fastxml.Unsupported",
        "The piece holds XML the fast path leaves to lxml.", NULL, NULL);
    if (Unsupported == NULL || PyModule_AddObjectRef(module, "Unsupported", Unsupported) < 0)
        return NULL;
#ifdef FASTXML_SQLITE
    if (PyModule_AddObjectRef(module, "PACKS_PIECES", Py_True) < 0) return NULL;
#else
    if (PyModule_AddObjectRef(module, "PACKS_PIECES", Py_False) < 0) return NULL;
#endif
    return module;
}
