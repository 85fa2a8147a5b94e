/* The album of one release: albums.single_album_row(part, template) in C.
 *
 * Every release without a master is its own album, and so is a master seen through
 * one release when no masters dump describes it: most albums are rendered from one
 * part. Mirrors, value for value, albums._album(None, [part]), albums._row_values and
 * text.full_v1 / text.core_v1 (versioned templates, so they never change); it calls
 * text.text_hash itself. tests/test_fastxml.py checks them against the Python.
 */
#include "fastxml.h"

static Buf json_buf, text_buf;

static PyObject *item(PyObject *part, int key) {
    PyObject *value = PyDict_GetItemWithError(part, KEYS[key]);
    if (value == NULL && !PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, KEYS[key]);
    return value;  /* borrowed */
}

static PyObject *list_item(PyObject *part, int key) {
    PyObject *value = item(part, key);
    if (value != NULL && !PyList_Check(value)) {
        PyErr_Format(PyExc_TypeError, "part[%R] must be a list", KEYS[key]);
        return NULL;
    }
    return value;
}

static int put_str(Buf *b, PyObject *text) {
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    return s == NULL ? -1 : put(b, s, n);
}

static PyObject *json_object(PyObject *value) {
    json_buf.len = 0;
    if (json_value(&json_buf, value) < 0) return NULL;
    return buf_object(&json_buf);
}

/* text._join: sep.join(v for v in values[:limit] if v) */
static int put_joined(Buf *b, PyObject *values, Py_ssize_t limit, const char *sep) {
    int first = 1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(values) && i < limit; i++) {
        PyObject *value = PyList_GET_ITEM(values, i);
        int truthy = PyObject_IsTrue(value);
        if (truthy < 0) return -1;
        if (!truthy) continue;
        if ((!first && put(b, sep, (Py_ssize_t)strlen(sep)) < 0) || put_str(b, value) < 0) return -1;
        first = 0;
    }
    return 0;
}

/* albums._top(names, 3): the most frequent non-empty names, ties in first-seen order */
static PyObject *top_labels(PyObject *names) {
    Py_ssize_t n = PyList_GET_SIZE(names), distinct = 0;
    PyObject **seen = PyMem_Malloc(sizeof(PyObject *) * (size_t)(n ? n : 1));
    Py_ssize_t *counts = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n ? n : 1));
    PyObject *top = NULL;
    if (seen == NULL || counts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        int truthy = PyObject_IsTrue(name);
        if (truthy < 0) goto done;
        if (!truthy) continue;
        Py_ssize_t j = 0;
        for (; j < distinct; j++) {
            int equal = PyObject_RichCompareBool(seen[j], name, Py_EQ);
            if (equal < 0) goto done;
            if (equal) break;
        }
        if (j == distinct) {
            seen[distinct] = name;
            counts[distinct++] = 0;
        }
        counts[j]++;
    }
    if ((top = PyList_New(0)) == NULL) goto done;
    /* a stable selection: the first of the highest count, three times */
    for (int pick = 0; pick < 3 && pick < distinct; pick++) {
        Py_ssize_t best = -1;
        for (Py_ssize_t j = 0; j < distinct; j++)
            if (counts[j] >= 0 && (best < 0 || counts[j] > counts[best])) best = j;
        if (PyList_Append(top, seen[best]) < 0) {
            Py_CLEAR(top);
            goto done;
        }
        counts[best] = -1;
    }
done:
    PyMem_Free(seen);
    PyMem_Free(counts);
    return top;
}

/* list(dict.fromkeys(names)) */
static PyObject *unique(PyObject *names) {
    PyObject *kept = PyList_New(0);
    if (kept == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names); i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        int found = PySequence_Contains(kept, name);
        if (found < 0 || (!found && PyList_Append(kept, name) < 0)) {
            Py_DECREF(kept);
            return NULL;
        }
    }
    return kept;
}

/* the videos with a URL */
static PyObject *videos_with_url(PyObject *videos) {
    PyObject *kept = PyList_New(0);
    if (kept == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(videos); i++) {
        PyObject *video = PyList_GET_ITEM(videos, i);
        PyObject *url = PyDict_Check(video) ? PyDict_GetItemWithError(video, KEYS[K_URL]) : NULL;
        int truthy = url == NULL ? -1 : PyObject_IsTrue(url);
        if (truthy < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a video without a url");
            Py_DECREF(kept);
            return NULL;
        }
        if (truthy && PyList_Append(kept, video) < 0) {
            Py_DECREF(kept);
            return NULL;
        }
    }
    return kept;
}

/* text._core_lines, then the details, "\n" between lines, cut at 1,200 characters */
static int render(Buf *b, PyObject *part, PyObject *year, PyObject *country, PyObject *labels,
                  PyObject *formats, int with_details) {
    PyObject *artist_names = item(part, K_ARTIST_NAMES), *title = item(part, K_TITLE);
    PyObject *genres = list_item(part, K_GENRES), *styles = list_item(part, K_STYLES);
    if (artist_names == NULL || title == NULL || genres == NULL || styles == NULL) return -1;
    b->len = 0;
    /* f"{artist_names} - {title}".strip(" -") */
    if (put_str(b, artist_names) < 0 || PUTS(b, " - ") < 0 || put_str(b, title) < 0) return -1;
    Py_ssize_t start = 0;
    while (start < b->len && (b->data[start] == ' ' || b->data[start] == '-')) start++;
    while (b->len > start && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '-')) b->len--;
    memmove(b->data, b->data + start, (size_t)(b->len - start));
    b->len -= start;
    /* Genres / Styles */
    if (PyList_GET_SIZE(genres) || PyList_GET_SIZE(styles)) {
        if (PUTS(b, "\n") < 0) return -1;
        if (PyList_GET_SIZE(genres) &&
            (PUTS(b, "Genres: ") < 0 || put_joined(b, genres, 6, ", ") < 0 || PUTS(b, ".") < 0))
            return -1;
        if (PyList_GET_SIZE(styles) &&
            ((PyList_GET_SIZE(genres) && PUTS(b, " ") < 0) || PUTS(b, "Styles: ") < 0 ||
             put_joined(b, styles, 8, ", ") < 0 || PUTS(b, ".") < 0))
            return -1;
    }
    /* Year / Country / Labels / Formats, each when it has a value */
    Py_ssize_t line = b->len;
    int facts = 0;
    if (PUTS(b, "\n") < 0) return -1;
    if (year != Py_None) {
        PyObject *text = PyObject_Str(year);
        if (text == NULL) return -1;
        int rc = PUTS(b, "Year: ") < 0 || put_str(b, text) < 0 || PUTS(b, ".") < 0;
        Py_DECREF(text);
        if (rc) return -1;
        facts++;
    }
    if (country != Py_None) {
        if ((facts && PUTS(b, " ") < 0) || PUTS(b, "Country: ") < 0 || put_str(b, country) < 0 ||
            PUTS(b, ".") < 0) return -1;
        facts++;
    }
    const char *names[2] = {"Labels: ", "Formats: "};
    PyObject *lists[2] = {labels, formats};
    Py_ssize_t limits[2] = {3, 4};
    for (int i = 0; i < 2; i++) {
        Py_ssize_t before = b->len;
        if ((facts && PUTS(b, " ") < 0) || put(b, names[i], (Py_ssize_t)strlen(names[i])) < 0)
            return -1;
        Py_ssize_t value_start = b->len;
        if (put_joined(b, lists[i], limits[i], ", ") < 0) return -1;
        if (b->len == value_start) {
            b->len = before;  /* an empty value leaves the fact out */
            continue;
        }
        if (PUTS(b, ".") < 0) return -1;
        facts++;
    }
    if (!facts) b->len = line;
    if (with_details) {
        PyObject *details = item(part, K_DETAILS);
        if (details == NULL) return -1;
        int truthy = PyObject_IsTrue(details);
        if (truthy < 0 || (truthy && (PUTS(b, "\n") < 0 || put_str(b, details) < 0))) return -1;
    }
    /* [:MAX_CHARS], in characters */
    Py_ssize_t chars = 0;
    for (Py_ssize_t i = 0; i < b->len; i++) {
        if (((unsigned char)b->data[i] & 0xC0) != 0x80 && chars++ == 1200) {
            b->len = i;
            break;
        }
    }
    return 0;
}

PyObject *album_row_of_part(PyObject *part, int with_details) {
    if (!PyDict_Check(part)) {
        PyErr_SetString(PyExc_TypeError, "album_row takes a part dict");
        return NULL;
    }
    PyObject *release_id = item(part, K_RELEASE_ID), *title = item(part, K_TITLE);
    PyObject *artists = list_item(part, K_ARTISTS), *artist_names = item(part, K_ARTIST_NAMES);
    PyObject *genres = list_item(part, K_GENRES), *styles = list_item(part, K_STYLES);
    PyObject *year = item(part, K_YEAR), *country = item(part, K_COUNTRY);
    PyObject *label_names = list_item(part, K_LABEL_NAMES);
    PyObject *format_names = list_item(part, K_FORMAT_NAMES);
    PyObject *videos = list_item(part, K_VIDEOS);
    if (!release_id || !title || !artists || !artist_names || !genres || !styles || !year ||
        !country || !label_names || !format_names || !videos) return NULL;
    int year_true = PyObject_IsTrue(year), country_true = PyObject_IsTrue(country);
    if (year_true < 0 || country_true < 0) return NULL;
    year = year_true ? year : Py_None;
    country = country_true ? country : Py_None;

    PyObject *labels = top_labels(label_names);
    PyObject *formats = labels ? unique(format_names) : NULL;
    PyObject *kept_videos = formats ? videos_with_url(videos) : NULL;
    PyObject *artists_json = NULL, *genres_json = NULL, *styles_json = NULL, *labels_json = NULL,
             *formats_json = NULL, *videos_json = NULL, *text = NULL, *row = NULL;
    if (kept_videos == NULL) goto done;
    if ((artists_json = json_object(artists)) == NULL || (genres_json = json_object(genres)) == NULL ||
        (styles_json = json_object(styles)) == NULL || (labels_json = json_object(labels)) == NULL ||
        (formats_json = json_object(formats)) == NULL ||
        (videos_json = json_object(kept_videos)) == NULL) goto done;
    if (render(&text_buf, part, year, country, labels, formats, with_details) < 0 ||
        (text = buf_object(&text_buf)) == NULL) goto done;
    PyObject *label = PyList_GET_SIZE(labels) ? PyList_GET_ITEM(labels, 0) : Py_None;
    PyObject *values[15] = {
        Py_NewRef(release_id), Py_NewRef(title), Py_NewRef(artists_json), Py_NewRef(artist_names),
        Py_NewRef(genres_json), Py_NewRef(styles_json), Py_NewRef(year), Py_NewRef(country),
        Py_NewRef(label), Py_NewRef(labels_json), Py_NewRef(formats_json), Py_NewRef(videos_json),
        PyLong_FromLong(1), Py_NewRef(text), PyObject_CallOneArg(py_text_hash, text),
    };
    row = PyTuple_New(15);
    for (int i = 0; i < 15; i++) {
        if (row == NULL || values[i] == NULL) Py_XDECREF(values[i]);
        else PyTuple_SET_ITEM(row, i, values[i]);
    }
    if (row != NULL && (values[12] == NULL || values[14] == NULL)) Py_CLEAR(row);
done:
    Py_XDECREF(labels);
    Py_XDECREF(formats);
    Py_XDECREF(kept_videos);
    Py_XDECREF(artists_json);
    Py_XDECREF(genres_json);
    Py_XDECREF(styles_json);
    Py_XDECREF(labels_json);
    Py_XDECREF(formats_json);
    Py_XDECREF(videos_json);
    Py_XDECREF(text);
    return row;
}
