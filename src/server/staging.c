/* staging.c — uploads waiting for their commit (staging.h). */
#include "staging.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct staged {
    char id[PL_STAGING_ID_LEN + 1]; /* "" = free */
    char user[72];
    char dir[PATH_MAX], file[PATH_MAX];
    json_t *params;
    time_t at;
} staged;

struct pl_staging {
    pthread_mutex_t lock;
    char root[PATH_MAX];
    staged *items;
    size_t cap;
    unsigned ttl_s;
};

int pl_staging_new(size_t cap, unsigned ttl_s, pl_staging **out, pl_error *err)
{
    *out = NULL;
    pl_staging *s = calloc(1, sizeof *s);
    if (!s || !(s->items = calloc(cap, sizeof *s->items))) {
        free(s);
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(s->root, sizeof s->root, "%s/parkland-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->root)) { /* mode 0700: the uploads are this account's alone */
        int rc = pl_error_set(err, PL_ERR_IO, "cannot make a directory for uploads in '%s'", tmp && *tmp ? tmp : "/tmp");
        free(s->items);
        free(s);
        return rc;
    }
    s->cap = cap;
    s->ttl_s = ttl_s;
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return PL_OK;
}

void pl_staging_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX + 256];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(dir);
}

static void drop(staged *it)
{
    pl_staging_remove_dir(it->dir);
    json_decref(it->params);
    memset(it, 0, sizeof *it);
}

void pl_staging_free(pl_staging *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        if (s->items[i].id[0])
            drop(&s->items[i]);
    /* uploads in flight when the server stopped: whatever is left under the root */
    DIR *d = opendir(s->root);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX + 256];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", s->root, e->d_name);
                pl_staging_remove_dir(path);
            }
        closedir(d);
    }
    rmdir(s->root);
    pthread_mutex_destroy(&s->lock);
    free(s->items);
    free(s);
}

const char *pl_staging_root(const pl_staging *s) { return s->root; }

int pl_staging_new_dir(pl_staging *s, char id[PL_STAGING_ID_LEN + 1], char *dir, size_t dirlen)
{
    unsigned char b[PL_STAGING_ID_LEN / 2];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return -1;
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(id + 2 * i, 3, "%02x", b[i]);
    if ((size_t)snprintf(dir, dirlen, "%s/%s", s->root, id) >= dirlen || mkdir(dir, 0700))
        return -1;
    return 0;
}

static size_t sweep_locked(pl_staging *s)
{
    time_t now = time(NULL);
    size_t n = 0;
    for (size_t i = 0; i < s->cap; i++)
        if (s->items[i].id[0] && now - s->items[i].at >= (time_t)s->ttl_s) {
            drop(&s->items[i]);
            n++;
        }
    return n;
}

size_t pl_staging_sweep(pl_staging *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = sweep_locked(s);
    pthread_mutex_unlock(&s->lock);
    return n;
}

int pl_staging_put(pl_staging *s, const char *id, const char *user, const char *dir, const char *file,
                   json_t *params)
{
    pthread_mutex_lock(&s->lock);
    sweep_locked(s);
    staged *it = NULL;
    for (size_t i = 0; i < s->cap && !it; i++)
        if (!s->items[i].id[0])
            it = &s->items[i];
    if (it) {
        snprintf(it->id, sizeof it->id, "%s", id);
        snprintf(it->user, sizeof it->user, "%s", user);
        snprintf(it->dir, sizeof it->dir, "%s", dir);
        snprintf(it->file, sizeof it->file, "%s", file);
        it->params = params;
        it->at = time(NULL);
    }
    pthread_mutex_unlock(&s->lock);
    if (!it)
        json_decref(params);
    return it ? 0 : -1;
}

int pl_staging_take(pl_staging *s, const char *id, const char *user, char *dir, char *file, json_t **params)
{
    pthread_mutex_lock(&s->lock);
    sweep_locked(s);
    int found = 0;
    for (size_t i = 0; i < s->cap && !found; i++) {
        staged *it = &s->items[i];
        if (it->id[0] && !strcmp(it->id, id) && !strcmp(it->user, user)) {
            found = 1;
            snprintf(dir, PATH_MAX, "%s", it->dir);
            snprintf(file, PATH_MAX, "%s", it->file);
            *params = it->params;
            memset(it, 0, sizeof *it);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return found;
}
