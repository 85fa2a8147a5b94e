/* Growing buffers and JSON output, as catalog.dumps (orjson, compact) writes it. */
#include "fastxml.h"

int grow(Buf *b, Py_ssize_t extra) {
    Py_ssize_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    char *data = PyMem_Realloc(b->data, (size_t)cap);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

PyObject *buf_object(const Buf *b) {
    if (b->len == 0) return Py_NewRef(empty_string);
    return PyUnicode_DecodeUTF8(b->data, b->len, "strict");
}

/* Bytes a JSON string must escape, looked up rather than compared: the controls, '"'
 * and '\\' */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

/* A JSON string as orjson and json (ensure_ascii=False) write it: runs of plain bytes
 * are copied whole. */
int json_string(Buf *b, const char *s, Py_ssize_t n) {
    static const char hex[] = "0123456789abcdef";
    if (reserve(b, 6 * n + 2) < 0) return -1;
    char *out = b->data + b->len;
    *out++ = '"';
    Py_ssize_t i = 0;
    while (i < n) {
        Py_ssize_t run = i;
        while (run < n && !needs_escape[(unsigned char)s[run]]) run++;
        memcpy(out, s + i, (size_t)(run - i));
        out += run - i;
        if (run == n) break;
        unsigned char c = (unsigned char)s[run];
        *out++ = '\\';
        switch (c) {
        case '"': *out++ = '"'; break;
        case '\\': *out++ = '\\'; break;
        case '\n': *out++ = 'n'; break;
        case '\r': *out++ = 'r'; break;
        case '\t': *out++ = 't'; break;
        case '\b': *out++ = 'b'; break;
        case '\f': *out++ = 'f'; break;
        default:
            *out++ = 'u'; *out++ = '0'; *out++ = '0';
            *out++ = hex[c >> 4]; *out++ = hex[c & 15];
        }
        i = run + 1;
    }
    *out++ = '"';
    b->len = out - b->data;
    return 0;
}

int json_str(Buf *b, const Str *value) { return json_string(b, value->s, value->n); }

/* A JSON number, or null for None */
int json_int(Buf *b, PyObject *value) {
    if (value == Py_None) return PUTS(b, "null");
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (!overflow) {
        /* by hand: snprintf's format parsing cost more than the rest of the JSON */
        char digits[24], *end = digits + sizeof(digits), *p = end;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
        if (v < 0) *--p = '-';
        return put(b, p, end - p);
    }
    PyObject *text = PyObject_Str(value);
    if (text == NULL) return -1;
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    int rc = s == NULL ? -1 : put(b, s, n);
    Py_DECREF(text);
    return rc;
}


/* Any value of a part or album (str, int, bool, None, list, dict with str keys) */
int json_value(Buf *b, PyObject *value) {
    if (PyUnicode_Check(value)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(value, &n);
        return s == NULL ? -1 : json_string(b, s, n);
    }
    if (value == Py_None) return PUTS(b, "null");
    if (value == Py_True) return PUTS(b, "true");
    if (value == Py_False) return PUTS(b, "false");
    if (PyLong_Check(value)) return json_int(b, value);
    if (PyList_Check(value)) {
        if (PUTS(b, "[") < 0) return -1;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++)
            if ((i && PUTS(b, ",") < 0) || json_value(b, PyList_GET_ITEM(value, i)) < 0) return -1;
        return PUTS(b, "]");
    }
    if (PyDict_Check(value)) {
        PyObject *key, *item;
        Py_ssize_t pos = 0;
        int first = 1;
        if (PUTS(b, "{") < 0) return -1;
        while (PyDict_Next(value, &pos, &key, &item)) {
            if (!PyUnicode_Check(key)) {
                PyErr_SetString(PyExc_TypeError, "JSON object keys must be str");
                return -1;
            }
            if ((!first && PUTS(b, ",") < 0) || json_value(b, key) < 0 || PUTS(b, ":") < 0 ||
                json_value(b, item) < 0) return -1;
            first = 0;
        }
        return PUTS(b, "}");
    }
    PyErr_Format(PyExc_TypeError, "Type is not JSON serializable: %s", Py_TYPE(value)->tp_name);
    return -1;
}
