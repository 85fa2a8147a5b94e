/* Element spans -> the record dicts of parse.py.
 *
 * Each function mirrors its namesake in parse.py: the same keys in the same order
 * (a later duplicate element overwrites the value, as a dict assignment does), the
 * same values.
 */
#include "fastxml.h"

/* `text.strip() if text else ""` as a str */
static PyObject *stripped_text(Parser *ps, const Node *node) {
    if (node->text == NULL) return Py_NewRef(empty_string);
    return decode_stripped(ps, node->text, node->text_len, node->text_amp);
}

static PyObject *strings(Parser *ps, const Node *container, const char *tag) {
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    Py_ssize_t tag_len = (Py_ssize_t)strlen(tag);
    CHILDREN(ps, container, child) {
        if (child->name_len != tag_len || memcmp(child->name, tag, (size_t)tag_len) != 0)
            continue;
        if (child->text == NULL) continue;
        if (append_steal(list, stripped_text(ps, child)) < 0) goto fail;
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

static PyObject *new_entry(PyObject *list) {
    PyObject *entry = PyDict_New();
    if (entry == NULL) return NULL;
    if (PyList_Append(list, entry) < 0) {
        Py_DECREF(entry);
        return NULL;
    }
    Py_DECREF(entry);  /* the list holds it */
    return entry;
}

static PyObject *artists(Parser *ps, const Node *container) {
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    CHILDREN(ps, container, artist) {
        if (!TAG_IS(artist, "artist")) continue;
        PyObject *entry = new_entry(list);
        if (entry == NULL ||
            PyDict_SetItem(entry, KEYS[K_ID], Py_None) < 0 ||
            PyDict_SetItem(entry, KEYS[K_NAME], empty_string) < 0 ||
            PyDict_SetItem(entry, KEYS[K_ANV], empty_string) < 0 ||
            PyDict_SetItem(entry, KEYS[K_JOIN], empty_string) < 0) goto fail;
        CHILDREN(ps, artist, child) {
            int key;
            if (TAG_IS(child, "name")) key = K_NAME;
            else if (TAG_IS(child, "anv")) key = K_ANV;
            else if (TAG_IS(child, "join")) key = K_JOIN;
            else if (TAG_IS(child, "role")) key = K_ROLE;
            else if (TAG_IS(child, "tracks")) key = K_TRACKS;
            else if (TAG_IS(child, "id")) {
                if (set_steal(entry, KEYS[K_ID], node_int(ps, child)) < 0) goto fail;
                continue;
            } else continue;
            if (set_steal(entry, KEYS[key], stripped_text(ps, child)) < 0) goto fail;
        }
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

static PyObject *tracks(Parser *ps, const Node *container) {
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    CHILDREN(ps, container, track) {
        if (!TAG_IS(track, "track")) continue;
        PyObject *entry = new_entry(list);
        if (entry == NULL ||
            PyDict_SetItem(entry, KEYS[K_POSITION], empty_string) < 0 ||
            PyDict_SetItem(entry, KEYS[K_TITLE], empty_string) < 0 ||
            PyDict_SetItem(entry, KEYS[K_DURATION], empty_string) < 0) goto fail;
        CHILDREN(ps, track, child) {
            int key;
            if (TAG_IS(child, "position")) key = K_POSITION;
            else if (TAG_IS(child, "title")) key = K_TITLE;
            else if (TAG_IS(child, "duration")) key = K_DURATION;
            else if (TAG_IS(child, "sub_tracks")) {
                if (set_steal(entry, KEYS[K_SUB_TRACKS], tracks(ps, child)) < 0) goto fail;
                continue;
            } else continue;
            if (child->text == NULL) continue;
            if (set_steal(entry, KEYS[key], stripped_text(ps, child)) < 0) goto fail;
        }
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

static PyObject *videos(Parser *ps, const Node *container) {
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    CHILDREN(ps, container, video) {
        if (!TAG_IS(video, "video")) continue;
        const Node *title = NULL;
        CHILDREN(ps, video, child)
            if (TAG_IS(child, "title")) title = child;
        PyObject *entry = new_entry(list);
        if (entry == NULL ||
            set_steal(entry, KEYS[K_URL], attr(ps, video, "src", empty_string)) < 0 ||
            set_steal(entry, KEYS[K_TITLE],
                      title ? stripped_text(ps, title) : Py_NewRef(empty_string)) < 0 ||
            set_steal(entry, KEYS[K_DURATION], attr_int(ps, video, "duration")) < 0) goto fail;
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

static PyObject *formats(Parser *ps, const Node *container) {
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    CHILDREN(ps, container, fmt) {
        if (!TAG_IS(fmt, "format")) continue;
        const Node *descriptions = NULL;
        CHILDREN(ps, fmt, child)
            if (TAG_IS(child, "descriptions")) descriptions = child;
        PyObject *entry = new_entry(list);
        if (entry == NULL ||
            set_steal(entry, KEYS[K_NAME], attr(ps, fmt, "name", empty_string)) < 0 ||
            set_steal(entry, KEYS[K_QTY], attr(ps, fmt, "qty", empty_string)) < 0 ||
            set_steal(entry, KEYS[K_TEXT], attr(ps, fmt, "text", empty_string)) < 0 ||
            set_steal(entry, KEYS[K_DESCRIPTIONS], descriptions ? strings(ps, descriptions, "description")
                                                                : PyList_New(0)) < 0) goto fail;
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

static PyObject *labels(Parser *ps, const Node *container, const char *tag) {
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    Py_ssize_t tag_len = (Py_ssize_t)strlen(tag);
    CHILDREN(ps, container, label) {
        if (label->name_len != tag_len || memcmp(label->name, tag, (size_t)tag_len) != 0)
            continue;
        PyObject *entry = new_entry(list);
        if (entry == NULL ||
            set_steal(entry, KEYS[K_ID], attr_int(ps, label, "id")) < 0 ||
            set_steal(entry, KEYS[K_NAME], attr(ps, label, "name", empty_string)) < 0 ||
            set_steal(entry, KEYS[K_CATNO], attr(ps, label, "catno", empty_string)) < 0)
            goto fail;
    }
    return list;
fail:
    Py_DECREF(list);
    return NULL;
}

static int set_new_list(PyObject *dict, int key) {
    return set_steal(dict, KEYS[key], PyList_New(0));
}

/* A text field of a record: `if text: record[tag] = text.strip()` */
static int set_text_field(Parser *ps, PyObject *record, int key, const Node *child) {
    if (child->text == NULL) return 0;
    return set_steal(record, KEYS[key], stripped_text(ps, child));
}

/* `child.get("is_main_release") == "true"` */
static int is_main_release(Parser *ps, const Node *master_id, int *is_main) {
    Str value;
    int found;
    if (attr_str(ps, master_id, "is_main_release", &value, &found) < 0) return -1;
    *is_main = found && value.n == 4 && memcmp(value.s, "true", 4) == 0;
    str_release(&value);
    return 0;
}

PyObject *release_record(Parser *ps, const Node *element) {
    PyObject *record = PyDict_New();
    if (record == NULL) return NULL;
    if (set_steal(record, KEYS[K_RELEASE_ID], attr_int(ps, element, "id")) < 0 ||
        set_steal(record, KEYS[K_STATUS], attr(ps, element, "status", NULL)) < 0 ||
        PyDict_SetItem(record, KEYS[K_TITLE], empty_string) < 0 ||
        set_new_list(record, K_ARTISTS) < 0 || set_new_list(record, K_EXTRA_ARTISTS) < 0 ||
        set_new_list(record, K_LABELS) < 0 || set_new_list(record, K_SERIES) < 0 ||
        set_new_list(record, K_FORMATS) < 0 || set_new_list(record, K_GENRES) < 0 ||
        set_new_list(record, K_STYLES) < 0 ||
        PyDict_SetItem(record, KEYS[K_COUNTRY], empty_string) < 0 ||
        PyDict_SetItem(record, KEYS[K_RELEASED], empty_string) < 0 ||
        PyDict_SetItem(record, KEYS[K_NOTES], empty_string) < 0 ||
        PyDict_SetItem(record, KEYS[K_DATA_QUALITY], empty_string) < 0 ||
        PyDict_SetItem(record, KEYS[K_MASTER_ID], Py_None) < 0 ||
        PyDict_SetItem(record, KEYS[K_IS_MAIN_RELEASE], Py_False) < 0 ||
        set_new_list(record, K_TRACKLIST) < 0 || set_new_list(record, K_VIDEOS) < 0)
        goto fail;
    CHILDREN(ps, element, child) {
        int rc = 0;
        if (TAG_IS(child, "title")) rc = set_text_field(ps, record, K_TITLE, child);
        else if (TAG_IS(child, "country")) rc = set_text_field(ps, record, K_COUNTRY, child);
        else if (TAG_IS(child, "released")) rc = set_text_field(ps, record, K_RELEASED, child);
        else if (TAG_IS(child, "notes")) rc = set_text_field(ps, record, K_NOTES, child);
        else if (TAG_IS(child, "data_quality"))
            rc = set_text_field(ps, record, K_DATA_QUALITY, child);
        else if (TAG_IS(child, "artists"))
            rc = set_steal(record, KEYS[K_ARTISTS], artists(ps, child));
        else if (TAG_IS(child, "tracklist"))
            rc = set_steal(record, KEYS[K_TRACKLIST], tracks(ps, child));
        else if (TAG_IS(child, "extraartists"))
            rc = set_steal(record, KEYS[K_EXTRA_ARTISTS], artists(ps, child));
        else if (TAG_IS(child, "labels"))
            rc = set_steal(record, KEYS[K_LABELS], labels(ps, child, "label"));
        else if (TAG_IS(child, "formats"))
            rc = set_steal(record, KEYS[K_FORMATS], formats(ps, child));
        else if (TAG_IS(child, "genres"))
            rc = set_steal(record, KEYS[K_GENRES], strings(ps, child, "genre"));
        else if (TAG_IS(child, "styles"))
            rc = set_steal(record, KEYS[K_STYLES], strings(ps, child, "style"));
        else if (TAG_IS(child, "master_id")) {
            int is_main;
            rc = is_main_release(ps, child, &is_main);
            if (rc == 0) rc = set_steal(record, KEYS[K_MASTER_ID], node_int(ps, child));
            if (rc == 0)
                rc = PyDict_SetItem(record, KEYS[K_IS_MAIN_RELEASE], is_main ? Py_True : Py_False);
        } else if (TAG_IS(child, "videos"))
            rc = set_steal(record, KEYS[K_VIDEOS], videos(ps, child));
        else if (TAG_IS(child, "series"))
            rc = set_steal(record, KEYS[K_SERIES], labels(ps, child, "series"));
        if (rc < 0) goto fail;
    }
    PyObject *released = PyDict_GetItemWithError(record, KEYS[K_RELEASED]);
    if (released == NULL || set_steal(record, KEYS[K_YEAR], year_of(released)) < 0) goto fail;
    return record;
fail:
    Py_DECREF(record);
    return NULL;
}

PyObject *master_record(Parser *ps, const Node *element) {
    PyObject *record = PyDict_New();
    if (record == NULL) return NULL;
    if (set_steal(record, KEYS[K_MASTER_ID], attr_int(ps, element, "id")) < 0 ||
        PyDict_SetItem(record, KEYS[K_MAIN_RELEASE], Py_None) < 0 ||
        PyDict_SetItem(record, KEYS[K_TITLE], empty_string) < 0 ||
        set_new_list(record, K_ARTISTS) < 0 || set_new_list(record, K_GENRES) < 0 ||
        set_new_list(record, K_STYLES) < 0 ||
        PyDict_SetItem(record, KEYS[K_YEAR], Py_None) < 0 ||
        PyDict_SetItem(record, KEYS[K_DATA_QUALITY], empty_string) < 0 ||
        set_new_list(record, K_VIDEOS) < 0)
        goto fail;
    CHILDREN(ps, element, child) {
        int rc = 0;
        if (TAG_IS(child, "title")) rc = set_text_field(ps, record, K_TITLE, child);
        else if (TAG_IS(child, "data_quality"))
            rc = set_text_field(ps, record, K_DATA_QUALITY, child);
        else if (TAG_IS(child, "main_release"))
            rc = set_steal(record, KEYS[K_MAIN_RELEASE], node_int(ps, child));
        else if (TAG_IS(child, "artists"))
            rc = set_steal(record, KEYS[K_ARTISTS], artists(ps, child));
        else if (TAG_IS(child, "genres"))
            rc = set_steal(record, KEYS[K_GENRES], strings(ps, child, "genre"));
        else if (TAG_IS(child, "styles"))
            rc = set_steal(record, KEYS[K_STYLES], strings(ps, child, "style"));
        else if (TAG_IS(child, "year")) {
            PyObject *text = text_or_none(ps, child);
            if (text == NULL) goto fail;
            rc = set_steal(record, KEYS[K_YEAR], year_of(text));
            Py_DECREF(text);
        } else if (TAG_IS(child, "videos"))
            rc = set_steal(record, KEYS[K_VIDEOS], videos(ps, child));
        if (rc < 0) goto fail;
    }
    return record;
fail:
    Py_DECREF(record);
    return NULL;
}
