/* Element spans -> a release's catalogue row and album part, without the record dict.
 *
 * What ingest stores of a release is its catalogue row (catalog.release_row: scalars
 * and nine JSON columns) and, for its album, a part (albums.release_part, with the
 * Tracks/Credits/Notes lines of text.details). Going through the record dict costs a
 * hundred Python objects per release that live for microseconds; this writes the JSON
 * straight from the spans and builds only the objects the row and part hold.
 *
 * Mirrors, value for value: catalog.release_row, catalog.artist_credit,
 * catalog.display_name, catalog.dumps (orjson's compact JSON), albums.release_part
 * and text.details (template full-v1, which is versioned and so never changes).
 * A later duplicate element wins, keeping the key order of its first appearance, as
 * the dicts of parse.py do.
 */
#include "fastxml.h"

/* ---------------------------------------------------------------- names */

static int ascii_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* catalog.display_name: 'Chris Bigg (2)' -> 'Chris Bigg'. Decided on the bytes for
 * ASCII; where the regex's \s or \d could match beyond ASCII, Python decides. */
static int display_name(const Str *name, Str *out) {
    const char *s = name->s;
    Py_ssize_t n = name->n, j = n - 2;
    *out = (Str){s, n, NULL};
    if (n == 0 || s[n - 1] != ')') return 0;
    while (j >= 0 && s[j] >= '0' && s[j] <= '9') j--;
    if (j >= 0 && (unsigned char)s[j] >= 0x80) goto in_python;
    if (j == n - 2 || j < 1 || s[j] != '(') return 0;
    if ((unsigned char)s[j - 1] >= 0x80) goto in_python;
    if (ascii_space((unsigned char)s[j - 1])) out->n = j - 1;
    return 0;
in_python:;
    PyObject *text = str_object(name);
    if (text == NULL) return -1;
    PyObject *shown = PyObject_CallOneArg(py_display_name, text);
    Py_DECREF(text);
    if (shown == NULL) return -1;
    Py_ssize_t len;
    const char *utf8 = PyUnicode_AsUTF8AndSize(shown, &len);
    if (utf8 == NULL) {
        Py_DECREF(shown);
        return -1;
    }
    *out = (Str){utf8, len, shown};
    return 0;
}

/* Values kept until the row is done (their bytes may live in owner objects) */
typedef struct {
    Str *items;
    Py_ssize_t n, cap;
} StrList;

static int strlist_add(StrList *list, Str value) {
    if (list->n == list->cap) {
        Py_ssize_t cap = list->cap ? list->cap * 2 : 16;
        Str *items = PyMem_Realloc(list->items, sizeof(Str) * (size_t)cap);
        if (items == NULL) {
            str_release(&value);
            PyErr_NoMemory();
            return -1;
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = value;
    return 0;
}

static void strlist_clear(StrList *list) {
    for (Py_ssize_t i = 0; i < list->n; i++) str_release(&list->items[i]);
    PyMem_Free(list->items);
    *list = (StrList){NULL, 0, 0};
}

/* ", ".join(dict.fromkeys(name for name in names if name)) */
static PyObject *joined_unique(Buf *b, const StrList *names) {
    b->len = 0;
    for (Py_ssize_t i = 0; i < names->n; i++) {
        const Str *name = &names->items[i];
        if (name->n == 0) continue;
        int seen = 0;
        for (Py_ssize_t j = 0; j < i && !seen; j++)
            seen = names->items[j].n == name->n && memcmp(names->items[j].s, name->s, (size_t)name->n) == 0;
        if (seen) continue;
        if ((b->len && PUTS(b, ", ") < 0) || put(b, name->s, name->n) < 0) return NULL;
    }
    return buf_object(b);
}

/* ---------------------------------------------------------------- artists */

typedef struct {
    PyObject *id;
    Str name, anv, join, role, tracks;
    int has_role, has_tracks, tracks_first;
} Artist;

static void artist_release(Artist *a) {
    Py_CLEAR(a->id);
    str_release(&a->name);
    str_release(&a->anv);
    str_release(&a->join);
    str_release(&a->role);
    str_release(&a->tracks);
}

/* parse._artists for one <artist>: the last of each child wins */
static int artist_values(Parser *ps, const Node *artist, Artist *a) {
    const Node *id = NULL, *name = NULL, *anv = NULL, *join = NULL, *role = NULL, *tracks = NULL;
    int tracks_first = 0;
    CHILDREN(ps, artist, child) {
        if (TAG_IS(child, "name")) name = child;
        else if (TAG_IS(child, "anv")) anv = child;
        else if (TAG_IS(child, "join")) join = child;
        else if (TAG_IS(child, "role")) role = child;
        else if (TAG_IS(child, "tracks")) {
            if (tracks == NULL && role == NULL) tracks_first = 1;
            tracks = child;
        } else if (TAG_IS(child, "id")) id = child;
    }
    memset(a, 0, sizeof(*a));
    a->has_role = role != NULL;
    a->has_tracks = tracks != NULL;
    a->tracks_first = tracks_first;
    a->id = id ? node_int(ps, id) : Py_NewRef(Py_None);
    if (a->id == NULL || text_str(ps, name, &a->name) < 0 || text_str(ps, anv, &a->anv) < 0 ||
        text_str(ps, join, &a->join) < 0 || text_str(ps, role, &a->role) < 0 ||
        text_str(ps, tracks, &a->tracks) < 0) {
        artist_release(a);
        return -1;
    }
    return 0;
}

static int json_artist(Buf *b, const Artist *a, int full) {
    if (PUTS(b, "{\"id\":") < 0 || json_int(b, a->id) < 0 ||
        PUTS(b, ",\"name\":") < 0 || json_str(b, &a->name) < 0 ||
        PUTS(b, ",\"anv\":") < 0 || json_str(b, &a->anv) < 0 ||
        PUTS(b, ",\"join\":") < 0 || json_str(b, &a->join) < 0) return -1;
    if (full) {
        int role_first = !(a->has_tracks && a->tracks_first);
        for (int turn = 0; turn < 2; turn++) {
            if (turn == (role_first ? 0 : 1) && a->has_role) {
                if (PUTS(b, ",\"role\":") < 0 || json_str(b, &a->role) < 0) return -1;
            } else if (turn == (role_first ? 1 : 0) && a->has_tracks) {
                if (PUTS(b, ",\"tracks\":") < 0 || json_str(b, &a->tracks) < 0) return -1;
            }
        }
    }
    return PUTS(b, "}");
}

static Py_ssize_t count_children(Parser *ps, const Node *container, const char *tag) {
    Py_ssize_t n = 0, tag_len = (Py_ssize_t)strlen(tag);
    if (container == NULL) return 0;
    CHILDREN(ps, container, child)
        if (child->name_len == tag_len && memcmp(child->name, tag, (size_t)tag_len) == 0) n++;
    return n;
}

/* The release's artists: the slim JSON column, artist_credit (in `credit`), and the
 * part's [{"id", "name": display_name(name)}]. */
static int release_artists(Parser *ps, const Node *container, Buf *json, Buf *credit,
                           PyObject *part_artists) {
    Py_ssize_t count = count_children(ps, container, "artist"), i = 0;
    json->len = credit->len = 0;
    if (PUTS(json, "[") < 0) return -1;
    if (container != NULL) {
        CHILDREN(ps, container, node) {
            if (!TAG_IS(node, "artist")) continue;
            Artist a;
            Str shown = {NULL, 0, NULL}, part_name = {NULL, 0, NULL};
            if (artist_values(ps, node, &a) < 0) return -1;
            int rc = (i && PUTS(json, ",") < 0) || json_artist(json, &a, 0) < 0 ||
                     display_name(a.anv.n ? &a.anv : &a.name, &shown) < 0 ||
                     put(credit, shown.s, shown.n) < 0 ? -1 : 0;
            if (rc == 0 && i < count - 1) {
                if (a.join.n && !(a.join.n == 1 && a.join.s[0] == ','))
                    rc = PUTS(credit, " ") < 0 || put(credit, a.join.s, a.join.n) < 0 ||
                         PUTS(credit, " ") < 0 ? -1 : 0;
                else
                    rc = PUTS(credit, ", ");
            }
            if (rc == 0) rc = display_name(&a.name, &part_name);
            if (rc == 0) {
                PyObject *entry = PyDict_New();
                rc = entry == NULL || append_steal(part_artists, entry) < 0 ||
                     PyDict_SetItem(entry, KEYS[K_ID], a.id) < 0 ||
                     set_steal(entry, KEYS[K_NAME], str_object(&part_name)) < 0 ? -1 : 0;
            }
            str_release(&shown);
            str_release(&part_name);
            artist_release(&a);
            if (rc < 0) return -1;
            i++;
        }
    }
    return PUTS(json, "]");
}

/* The extra artists: the full JSON column and, for the details, the Credits line's
 * first six named credits ('name (role)', or the name alone) in `credits`. */
static int extra_artists(Parser *ps, const Node *container, Buf *json, Buf *credits,
                         int with_details) {
    int named = 0, first = 1;
    json->len = credits->len = 0;
    if (PUTS(json, "[") < 0) return -1;
    if (container != NULL) {
        CHILDREN(ps, container, node) {
            if (!TAG_IS(node, "artist")) continue;
            Artist a;
            if (artist_values(ps, node, &a) < 0) return -1;
            int rc = (!first && PUTS(json, ",") < 0) || json_artist(json, &a, 1) < 0 ? -1 : 0;
            first = 0;
            Str shown = {NULL, 0, NULL};
            if (rc == 0 && with_details && named < 6) {
                rc = display_name(&a.name, &shown);
                if (rc == 0 && shown.n) {
                    rc = (named && PUTS(credits, ", ") < 0) || put(credits, shown.s, shown.n) < 0 ||
                         (a.has_role && a.role.n &&
                          (PUTS(credits, " (") < 0 || put(credits, a.role.s, a.role.n) < 0 ||
                           PUTS(credits, ")") < 0)) ? -1 : 0;
                    named++;
                }
            }
            str_release(&shown);
            artist_release(&a);
            if (rc < 0) return -1;
        }
    }
    return PUTS(json, "]");
}

/* ---------------------------------------------------------------- lists */

/* parse._strings as JSON, and as a list of str */
static int strings(Parser *ps, const Node *container, const char *tag, Buf *json,
                   PyObject **list) {
    Py_ssize_t tag_len = (Py_ssize_t)strlen(tag);
    int first = 1;
    if (PUTS(json, "[") < 0) return -1;
    if (list != NULL && (*list = PyList_New(0)) == NULL) return -1;
    if (container != NULL) {
        CHILDREN(ps, container, child) {
            if (child->name_len != tag_len || memcmp(child->name, tag, (size_t)tag_len) != 0 ||
                child->text == NULL) continue;
            Str value;
            if (text_str(ps, child, &value) < 0) return -1;
            int rc = (!first && PUTS(json, ",") < 0) || json_str(json, &value) < 0 ||
                     (list != NULL && append_steal(*list, str_object(&value)) < 0) ? -1 : 0;
            str_release(&value);
            if (rc < 0) return -1;
            first = 0;
        }
    }
    return PUTS(json, "]");
}

/* parse._labels as JSON; the names go to `names` */
static int labels(Parser *ps, const Node *container, const char *tag, Buf *json,
                  StrList *names) {
    Py_ssize_t tag_len = (Py_ssize_t)strlen(tag);
    int first = 1;
    if (PUTS(json, "[") < 0) return -1;
    if (container != NULL) {
        CHILDREN(ps, container, label) {
            if (label->name_len != tag_len || memcmp(label->name, tag, (size_t)tag_len) != 0)
                continue;
            Str name, catno;
            int found;
            PyObject *id = attr_int(ps, label, "id");
            if (id == NULL) return -1;
            if (attr_str(ps, label, "name", &name, &found) < 0) { Py_DECREF(id); return -1; }
            if (attr_str(ps, label, "catno", &catno, &found) < 0) {
                Py_DECREF(id);
                str_release(&name);
                return -1;
            }
            int rc = (!first && PUTS(json, ",") < 0) || PUTS(json, "{\"id\":") < 0 ||
                     json_int(json, id) < 0 || PUTS(json, ",\"name\":") < 0 ||
                     json_str(json, &name) < 0 || PUTS(json, ",\"catno\":") < 0 ||
                     json_str(json, &catno) < 0 || PUTS(json, "}") < 0 ? -1 : 0;
            Py_DECREF(id);
            str_release(&catno);
            if (rc < 0) {
                str_release(&name);
                return -1;
            }
            if (names != NULL) {
                if (strlist_add(names, name) < 0) return -1;
            } else str_release(&name);
            first = 0;
        }
    }
    return PUTS(json, "]");
}

/* parse._formats as JSON; the names go to `names` */
static int formats(Parser *ps, const Node *container, Buf *json, StrList *names) {
    int first = 1;
    if (PUTS(json, "[") < 0) return -1;
    if (container != NULL) {
        CHILDREN(ps, container, fmt) {
            if (!TAG_IS(fmt, "format")) continue;
            const Node *descriptions = NULL;
            CHILDREN(ps, fmt, child)
                if (TAG_IS(child, "descriptions")) descriptions = child;
            Str name, qty, text;
            int found;
            if (attr_str(ps, fmt, "name", &name, &found) < 0) return -1;
            if (attr_str(ps, fmt, "qty", &qty, &found) < 0) { str_release(&name); return -1; }
            if (attr_str(ps, fmt, "text", &text, &found) < 0) {
                str_release(&name);
                str_release(&qty);
                return -1;
            }
            int rc = (!first && PUTS(json, ",") < 0) || PUTS(json, "{\"name\":") < 0 ||
                     json_str(json, &name) < 0 || PUTS(json, ",\"qty\":") < 0 ||
                     json_str(json, &qty) < 0 || PUTS(json, ",\"text\":") < 0 ||
                     json_str(json, &text) < 0 || PUTS(json, ",\"descriptions\":") < 0 ||
                     strings(ps, descriptions, "description", json, NULL) < 0 ||
                     PUTS(json, "}") < 0 ? -1 : 0;
            str_release(&qty);
            str_release(&text);
            if (rc < 0 || strlist_add(names, name) < 0) {
                if (rc < 0) str_release(&name);
                return -1;
            }
            first = 0;
        }
    }
    return PUTS(json, "]");
}

/* parse._tracks as JSON. At the top level (titles != NULL) the details' Tracks line
 * collects: the non-empty titles of the first 15 tracks, '; ' between them, and
 * whether any track has a title. */
static int tracks(Parser *ps, const Node *container, Buf *json, Buf *titles, int *any_title) {
    int written = 0;
    int index = 0;
    if (PUTS(json, "[") < 0) return -1;
    if (container != NULL) {
        CHILDREN(ps, container, track) {
            if (!TAG_IS(track, "track")) continue;
            const Node *position = NULL, *title = NULL, *duration = NULL, *sub_tracks = NULL;
            CHILDREN(ps, track, child) {
                if (TAG_IS(child, "sub_tracks")) sub_tracks = child;
                else if (child->text == NULL) continue;
                else if (TAG_IS(child, "position")) position = child;
                else if (TAG_IS(child, "title")) title = child;
                else if (TAG_IS(child, "duration")) duration = child;
            }
            Str value;
            if ((index && PUTS(json, ",") < 0) || PUTS(json, "{\"position\":") < 0 ||
                text_str(ps, position, &value) < 0) return -1;
            int rc = json_str(json, &value);
            str_release(&value);
            if (rc < 0 || PUTS(json, ",\"title\":") < 0 || text_str(ps, title, &value) < 0)
                return -1;
            rc = json_str(json, &value);
            if (rc == 0 && titles != NULL && value.n) {
                *any_title = 1;
                if (index < 15)
                    rc = (written++ && PUTS(titles, "; ") < 0) ||
                         put(titles, value.s, value.n) < 0 ? -1 : 0;
            }
            str_release(&value);
            if (rc < 0 || PUTS(json, ",\"duration\":") < 0 || text_str(ps, duration, &value) < 0)
                return -1;
            rc = json_str(json, &value);
            str_release(&value);
            if (rc < 0) return -1;
            if (sub_tracks != NULL &&
                (PUTS(json, ",\"sub_tracks\":") < 0 || tracks(ps, sub_tracks, json, NULL, NULL) < 0))
                return -1;
            if (PUTS(json, "}") < 0) return -1;
            index++;
        }
    }
    return PUTS(json, "]");
}

/* parse._videos as JSON, and albums._first_videos (the first five) as a list */
static int videos(Parser *ps, const Node *container, Buf *json, PyObject *first_five) {
    int index = 0;
    if (PUTS(json, "[") < 0) return -1;
    if (container != NULL) {
        CHILDREN(ps, container, video) {
            if (!TAG_IS(video, "video")) continue;
            const Node *title_node = NULL;
            CHILDREN(ps, video, child)
                if (TAG_IS(child, "title")) title_node = child;
            Str url, title;
            int found;
            if (attr_str(ps, video, "src", &url, &found) < 0) return -1;
            if (text_str(ps, title_node, &title) < 0) { str_release(&url); return -1; }
            PyObject *duration = attr_int(ps, video, "duration");
            int rc = duration == NULL || (index && PUTS(json, ",") < 0) ||
                     PUTS(json, "{\"url\":") < 0 || json_str(json, &url) < 0 ||
                     PUTS(json, ",\"title\":") < 0 || json_str(json, &title) < 0 ||
                     PUTS(json, ",\"duration\":") < 0 || json_int(json, duration) < 0 ||
                     PUTS(json, "}") < 0 ? -1 : 0;
            Py_XDECREF(duration);
            if (rc == 0 && index < 5) {
                PyObject *entry = PyDict_New();
                rc = entry == NULL || append_steal(first_five, entry) < 0 ||
                     set_steal(entry, KEYS[K_URL], str_object(&url)) < 0 ||
                     set_steal(entry, KEYS[K_TITLE], str_object(&title)) < 0 ? -1 : 0;
            }
            str_release(&url);
            str_release(&title);
            if (rc < 0) return -1;
            index++;
        }
    }
    return PUTS(json, "]");
}

/* ---------------------------------------------------------------- details */

/* text.notes_line: the notes without BBCode, white space collapsed, 400 characters.
 * ASCII notes without '[' are done here; the rest by the Python function. */
static int notes_line(const Str *notes, PyObject *notes_object, Buf *out) {
    if (notes->n == 0) return 0;
    int simple = memchr(notes->s, '[', (size_t)notes->n) == NULL;
    for (Py_ssize_t i = 0; simple && i < notes->n; i++)
        if ((unsigned char)notes->s[i] >= 0x80) simple = 0;
    if (!simple) {
        PyObject *line = PyObject_CallOneArg(py_notes_line, notes_object);
        if (line == NULL) return -1;
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(line, &n);
        int rc = s == NULL ? -1 : put(out, s, n);
        Py_DECREF(line);
        return rc;
    }
    Py_ssize_t start = out->len, kept = 0;
    if (PUTS(out, "Notes: ") < 0 || reserve(out, notes->n) < 0) return -1;
    const char *s = notes->s, *end = s + notes->n;
    while (s < end && kept < 400) {
        while (s < end && ascii_space((unsigned char)*s)) s++;
        if (s == end) break;
        if (kept) {
            out->data[out->len++] = ' ';
            kept++;
        }
        while (s < end && !ascii_space((unsigned char)*s) && kept < 400) {
            out->data[out->len++] = *s++;
            kept++;
        }
    }
    if (kept == 0) out->len = start;
    return 0;
}

/* ---------------------------------------------------------------- the release */

PyObject *release_row_and_part(Parser *ps, const Node *element, int with_details) {
    const Node *title = NULL, *country = NULL, *released = NULL, *notes = NULL,
               *data_quality = NULL, *artists = NULL, *tracklist = NULL, *extra = NULL,
               *label_list = NULL, *format_list = NULL, *genres = NULL, *styles = NULL,
               *master_id = NULL, *video_list = NULL, *series = NULL;
    CHILDREN(ps, element, child) {
        /* text fields keep the last one with text, lists the last one */
        if (TAG_IS(child, "title")) { if (child->text) title = child; }
        else if (TAG_IS(child, "country")) { if (child->text) country = child; }
        else if (TAG_IS(child, "released")) { if (child->text) released = child; }
        else if (TAG_IS(child, "notes")) { if (child->text) notes = child; }
        else if (TAG_IS(child, "data_quality")) { if (child->text) data_quality = child; }
        else if (TAG_IS(child, "artists")) artists = child;
        else if (TAG_IS(child, "tracklist")) tracklist = child;
        else if (TAG_IS(child, "extraartists")) extra = child;
        else if (TAG_IS(child, "labels")) label_list = child;
        else if (TAG_IS(child, "formats")) format_list = child;
        else if (TAG_IS(child, "genres")) genres = child;
        else if (TAG_IS(child, "styles")) styles = child;
        else if (TAG_IS(child, "master_id")) master_id = child;
        else if (TAG_IS(child, "videos")) video_list = child;
        else if (TAG_IS(child, "series")) series = child;
    }
    PyObject *release_id = attr_int(ps, element, "id");
    if (release_id == NULL || release_id == Py_None) return release_id;  /* None: skipped */

    enum { TITLE, ARTISTS, ARTIST_NAMES, EXTRA, LABELS, LABEL_NAMES, SERIES, FORMATS,
           FORMAT_NAMES, GENRES, STYLES, COUNTRY, RELEASED, YEAR, NOTES, DATA_QUALITY,
           MASTER_ID, TRACKLIST, VIDEOS, STATUS, GENRE_LIST, STYLE_LIST, PART_ARTISTS,
           PART_LABELS, PART_FORMATS, PART_VIDEOS, DETAILS, N_VALUES };
    PyObject *v[N_VALUES] = {NULL};
    PyObject *result = NULL;
    StrList label_names = {NULL, 0, 0}, format_names = {NULL, 0, 0};
    Str text = {NULL, 0, NULL}, notes_text = {NULL, 0, NULL};
    Buf *json = &ps->out[0], *credit = &ps->out[1], *names = &ps->out[2], *details = &ps->out[3];
    int is_main = 0, any_title = 0;

#define TEXT_VALUE(slot, node) \
    if (text_str(ps, node, &text) < 0 || (v[slot] = str_object(&text)) == NULL) goto done; \
    str_release(&text);
#define JSON_VALUE(slot) \
    if ((v[slot] = buf_object(json)) == NULL) goto done; \
    json->len = 0;

    TEXT_VALUE(TITLE, title)
    if ((v[PART_ARTISTS] = PyList_New(0)) == NULL ||
        release_artists(ps, artists, json, credit, v[PART_ARTISTS]) < 0) goto done;
    JSON_VALUE(ARTISTS)
    /* artist_credit ends with str.strip() */
    if ((v[ARTIST_NAMES] = stripped(buf_object(credit))) == NULL) goto done;
    details->len = 0;
    if (extra_artists(ps, extra, json, names, with_details) < 0) goto done;
    JSON_VALUE(EXTRA)
    if (labels(ps, label_list, "label", json, &label_names) < 0) goto done;
    JSON_VALUE(LABELS)
    if ((v[LABEL_NAMES] = joined_unique(credit, &label_names)) == NULL) goto done;
    if (labels(ps, series, "series", json, NULL) < 0) goto done;
    JSON_VALUE(SERIES)
    if (formats(ps, format_list, json, &format_names) < 0) goto done;
    JSON_VALUE(FORMATS)
    if ((v[FORMAT_NAMES] = joined_unique(credit, &format_names)) == NULL) goto done;
    if (strings(ps, genres, "genre", json, &v[GENRE_LIST]) < 0) goto done;
    JSON_VALUE(GENRES)
    if (strings(ps, styles, "style", json, &v[STYLE_LIST]) < 0) goto done;
    JSON_VALUE(STYLES)
    TEXT_VALUE(COUNTRY, country)
    TEXT_VALUE(RELEASED, released)
    if ((v[YEAR] = year_of(v[RELEASED])) == NULL) goto done;
    if (text_str(ps, notes, &notes_text) < 0 || (v[NOTES] = str_object(&notes_text)) == NULL)
        goto done;
    TEXT_VALUE(DATA_QUALITY, data_quality)
    if (master_id != NULL) {
        Str flag;
        int found;
        if (attr_str(ps, master_id, "is_main_release", &flag, &found) < 0) goto done;
        is_main = found && flag.n == 4 && memcmp(flag.s, "true", 4) == 0;
        str_release(&flag);
        if ((v[MASTER_ID] = node_int(ps, master_id)) == NULL) goto done;
    } else v[MASTER_ID] = Py_NewRef(Py_None);
    /* the Tracks line is written straight into `details`, the Credits line waits in
     * `names` */
    if (with_details && PUTS(details, "Tracks: ") < 0) goto done;
    if (tracks(ps, tracklist, json, with_details ? details : NULL, &any_title) < 0) goto done;
    JSON_VALUE(TRACKLIST)
    if (with_details) {
        if (!any_title) details->len = 0;
        if (names->len && ((details->len && PUTS(details, "\n") < 0) ||
                           PUTS(details, "Credits: ") < 0 || put(details, names->data, names->len) < 0))
            goto done;
        Py_ssize_t before = details->len;
        if (details->len && PUTS(details, "\n") < 0) goto done;
        Py_ssize_t line = details->len;
        if (notes_line(&notes_text, v[NOTES], details) < 0) goto done;
        if (details->len == line) details->len = before;
    }
    if ((v[DETAILS] = buf_object(details)) == NULL) goto done;
    if ((v[PART_VIDEOS] = PyList_New(0)) == NULL ||
        videos(ps, video_list, json, v[PART_VIDEOS]) < 0) goto done;
    JSON_VALUE(VIDEOS)
    if ((v[STATUS] = attr(ps, element, "status", NULL)) == NULL) goto done;

    /* the part's label and format names: all labels', the non-empty formats' */
    if ((v[PART_LABELS] = PyList_New(label_names.n)) == NULL) goto done;
    for (Py_ssize_t i = 0; i < label_names.n; i++) {
        PyObject *name = str_object(&label_names.items[i]);
        if (name == NULL) goto done;
        PyList_SET_ITEM(v[PART_LABELS], i, name);
    }
    if ((v[PART_FORMATS] = PyList_New(0)) == NULL) goto done;
    for (Py_ssize_t i = 0; i < format_names.n; i++)
        if (format_names.items[i].n &&
            append_steal(v[PART_FORMATS], str_object(&format_names.items[i])) < 0) goto done;

    PyObject *row = Py_BuildValue(
        "(OOOOOOOOOOOOOOOOOOiOOO)", release_id, v[TITLE], v[ARTISTS], v[ARTIST_NAMES], v[EXTRA],
        v[LABELS], v[LABEL_NAMES], v[SERIES], v[FORMATS], v[FORMAT_NAMES], v[GENRES], v[STYLES],
        v[COUNTRY], v[RELEASED], v[YEAR], v[NOTES], v[DATA_QUALITY], v[MASTER_ID], is_main,
        v[TRACKLIST], v[VIDEOS], v[STATUS]);
    if (row == NULL) goto done;
    PyObject *part = PyDict_New();
    if (part == NULL) { Py_DECREF(row); goto done; }
    if (PyDict_SetItem(part, KEYS[K_RELEASE_ID], release_id) < 0 ||
        PyDict_SetItem(part, KEYS[K_MASTER_ID], v[MASTER_ID]) < 0 ||
        PyDict_SetItem(part, KEYS[K_IS_MAIN_RELEASE], is_main ? Py_True : Py_False) < 0 ||
        PyDict_SetItem(part, KEYS[K_YEAR], v[YEAR]) < 0 ||
        PyDict_SetItem(part, KEYS[K_COUNTRY], v[COUNTRY]) < 0 ||
        PyDict_SetItem(part, KEYS[K_TITLE], v[TITLE]) < 0 ||
        PyDict_SetItem(part, KEYS[K_ARTISTS], v[PART_ARTISTS]) < 0 ||
        PyDict_SetItem(part, KEYS[K_ARTIST_NAMES], v[ARTIST_NAMES]) < 0 ||
        PyDict_SetItem(part, KEYS[K_GENRES], v[GENRE_LIST]) < 0 ||
        PyDict_SetItem(part, KEYS[K_STYLES], v[STYLE_LIST]) < 0 ||
        PyDict_SetItem(part, KEYS[K_LABEL_NAMES], v[PART_LABELS]) < 0 ||
        PyDict_SetItem(part, KEYS[K_FORMAT_NAMES], v[PART_FORMATS]) < 0 ||
        PyDict_SetItem(part, KEYS[K_VIDEOS], v[PART_VIDEOS]) < 0 ||
        PyDict_SetItem(part, KEYS[K_DETAILS], v[DETAILS]) < 0) {
        Py_DECREF(row);
        Py_DECREF(part);
        goto done;
    }
    result = PyTuple_Pack(2, row, part);
    Py_DECREF(row);
    Py_DECREF(part);

done:
#undef TEXT_VALUE
#undef JSON_VALUE
    str_release(&text);
    str_release(&notes_text);
    strlist_clear(&label_names);
    strlist_clear(&format_names);
    for (int i = 0; i < N_VALUES; i++) Py_XDECREF(v[i]);
    Py_DECREF(release_id);
    return result;
}
