/* chunkdb.pack in C: a piece's rows into an in-memory SQLite database, serialized.
 *
 * Python's sqlite3 binds every text value with SQLITE_TRANSIENT (SQLite copies it into
 * memory of its own) and encodes text beyond ASCII to UTF-8 on the way; a piece holds
 * some sixty values per release, so binding cost the parser processes more than
 * SQLite's own work did. Here the values are bound in place (SQLITE_STATIC: the row
 * tuples outlive each step). The result is byte for byte a database Python's
 * sqlite3.Connection.deserialize reads; chunkdb.py is the reference and the fallback.
 *
 * Built only where sqlite3.h is found (setup.py defines FASTXML_SQLITE).
 */
#include "fastxml.h"

#ifdef FASTXML_SQLITE
#include <sqlite3.h>
#include <unistd.h>

static sqlite3 *db;      /* one per process: opened after the fork, never shared */
static pid_t db_pid;

static int fail(const char *what) {
    PyErr_Format(PyExc_RuntimeError, "piece database: %s: %s", what,
                 db ? sqlite3_errmsg(db) : "cannot open");
    return -1;
}

static int exec(const char *sql) {
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(sql);
}

static int bind(sqlite3_stmt *stmt, int i, PyObject *value) {
    int rc;
    if (value == Py_None) rc = sqlite3_bind_null(stmt, i);
    else if (PyUnicode_Check(value)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(value, &n);
        if (s == NULL) return -1;
        rc = sqlite3_bind_text64(stmt, i, s, (sqlite3_uint64)n, SQLITE_STATIC, SQLITE_UTF8);
    } else if (PyLong_Check(value)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (v == -1 && PyErr_Occurred()) return -1;
        if (overflow) {  /* as Python's sqlite3 does */
            PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to SQLite INTEGER");
            return -1;
        }
        rc = sqlite3_bind_int64(stmt, i, v);
    } else if (PyBytes_Check(value)) {
        rc = sqlite3_bind_blob64(stmt, i, PyBytes_AS_STRING(value),
                                 (sqlite3_uint64)PyBytes_GET_SIZE(value), SQLITE_STATIC);
    } else if (PyFloat_Check(value)) {
        rc = sqlite3_bind_double(stmt, i, PyFloat_AS_DOUBLE(value));
    } else {
        PyErr_Format(PyExc_TypeError, "cannot store a %s in a piece", Py_TYPE(value)->tp_name);
        return -1;
    }
    return rc == SQLITE_OK ? 0 : fail("bind");
}

/* INSERT every row; a row whose key is already there replaces it (catalog.insert_rows) */
static int insert_rows(const char *table, PyObject *rows) {
    if (!PyList_Check(rows)) {
        PyErr_SetString(PyExc_TypeError, "rows must be a list of tuples");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(rows);
    if (n == 0) return 0;
    PyObject *first = PyList_GET_ITEM(rows, 0);
    if (!PyTuple_Check(first)) {
        PyErr_SetString(PyExc_TypeError, "rows must be a list of tuples");
        return -1;
    }
    Py_ssize_t width = PyTuple_GET_SIZE(first);
    Buf sql = {NULL, 0, 0};
    sqlite3_stmt *insert = NULL, *replace = NULL;
    int rc = -1;
    for (int pass = 0; pass < 2; pass++) {
        sql.len = 0;
        if (put(&sql, pass ? "INSERT OR REPLACE INTO " : "INSERT INTO ", pass ? 23 : 12) < 0 ||
            put(&sql, table, (Py_ssize_t)strlen(table)) < 0 || PUTS(&sql, " VALUES (") < 0)
            goto done;
        for (Py_ssize_t i = 0; i < width; i++)
            if (put(&sql, i ? ",?" : "?", i ? 2 : 1) < 0) goto done;
        if (PUTS(&sql, ")") < 0) goto done;
        if (sqlite3_prepare_v2(db, sql.data, (int)sql.len, pass ? &replace : &insert, NULL) != SQLITE_OK) {
            fail("prepare");
            goto done;
        }
    }
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *row = PyList_GET_ITEM(rows, r);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != width) {
            PyErr_SetString(PyExc_TypeError, "rows of one table must be tuples of one width");
            goto done;
        }
        sqlite3_stmt *stmt = insert;
        for (int attempt = 0; attempt < 2; attempt++, stmt = replace) {
            for (Py_ssize_t i = 0; i < width; i++)
                if (bind(stmt, (int)i + 1, PyTuple_GET_ITEM(row, i)) < 0) goto done;
            int step = sqlite3_step(stmt);
            sqlite3_reset(stmt);
            if (step == SQLITE_DONE) break;
            if ((step & 0xff) != SQLITE_CONSTRAINT || attempt == 1) {
                fail("insert");
                goto done;
            }
        }
    }
    rc = 0;
done:
    sqlite3_finalize(insert);
    sqlite3_finalize(replace);
    PyMem_Free(sql.data);
    return rc;
}

/* pack_piece(empty, read, [(table, rows)]) -> the serialized database */
PyObject *pack_piece(PyObject *empty, long long read, PyObject *tables) {
    Py_buffer template;
    if (PyObject_GetBuffer(empty, &template, PyBUF_SIMPLE) < 0) return NULL;
    PyObject *result = NULL;
    if (db == NULL || db_pid != getpid()) {  /* a forked copy of the parent's is not ours */
        db = NULL;
        if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
                != SQLITE_OK) {
            fail("open");
            goto done;
        }
        db_pid = getpid();
    }
    /* start from an empty copy of the schema (FREEONCLOSE: SQLite owns the copy) */
    unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)template.len);
    if (copy == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(copy, template.buf, (size_t)template.len);
    if (sqlite3_deserialize(db, "main", copy, template.len, template.len,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
            != SQLITE_OK) {
        fail("deserialize");
        goto done;
    }
    char pragma[64];
    snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%lld", read);
    if (exec(pragma) < 0 || exec("BEGIN") < 0) goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tables); i++) {
        PyObject *pair = PyList_GET_ITEM(tables, i);
        const char *table;
        PyObject *rows;
        if (!PyArg_ParseTuple(pair, "sO:pack_piece", &table, &rows) || insert_rows(table, rows) < 0) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            goto done;
        }
    }
    if (exec("COMMIT") < 0) goto done;
    sqlite3_int64 size = 0;
    /* the in-memory database's own pages, copied once into the bytes */
    unsigned char *data = sqlite3_serialize(db, "main", &size, SQLITE_SERIALIZE_NOCOPY);
    if (data != NULL) {
        result = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    } else if ((data = sqlite3_serialize(db, "main", &size, 0)) != NULL) {
        result = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
        sqlite3_free(data);
    } else fail("serialize");
done:
    PyBuffer_Release(&template);
    return result;
}

#else

PyObject *pack_piece(PyObject *empty, long long read, PyObject *tables) {
    (void)empty;
    (void)read;
    (void)tables;
    PyErr_SetString(PyExc_NotImplementedError, "built without sqlite3.h");
    return NULL;
}

#endif
