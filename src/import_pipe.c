/* import_pipe.c — the reader and the geometry stage on a thread of their own. */
#include "import_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    pl_pipe_item item;
    pl_attr *attrs;         /* item.f.attrs, attrs_cap entries */
    size_t attrs_cap;
    char *arena;            /* where, kind, keys and values, arena_cap bytes */
    size_t arena_cap;
} slot;

/* Hand-over in batches: a thread that has to wait sleeps until the other side
 * has made room for (or filled) a quarter of the ring, and is woken only
 * then, not once per item (a futex call and two context switches per
 * feature cost a tenth of an import's time on a VM). */
#define PL_PIPE_BATCH (PL_PIPE_SLOTS / 4)

struct pl_pipe {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* a sleeper's condition may hold: see PL_PIPE_BATCH */
    int reader_waits, caller_waits; /* 1 while that side sleeps on `changed` */
    /* each side's own view, so that most items pass without the lock */
    size_t r_tail, r_free, r_pending; /* reader: next slot, slots known free, filled but unpublished */
    size_t c_have, c_done;            /* caller: published items known, handed out and given back */
    slot slots[PL_PIPE_SLOTS];
    size_t head, count;      /* ring: items ready for the caller = count from head */
    int out;                 /* 1 while the caller holds the item at head */
    int done, cancel;
    int rc;                  /* the reader's result */
    pl_error err;            /* its message */
    /* the reader's arguments */
    const char *path;
    pl_format fmt;
    pl_read_options ro;
    pl_source_info *info;
    pl_pipe_prologue prologue;
    pl_pipe_stage stage;
    void *ctx;
};

static size_t text_size(const char *s) { return s ? strlen(s) + 1 : 0; }

static char *put_text(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *out = memcpy(*at, s, n);
    *at += n;
    return out;
}

/* Copy the reader's feature (valid only during its callback) into the slot,
 * reusing the slot's buffers. */
static int feature_copy(slot *s, const pl_feature *f)
{
    size_t need = text_size(f->where) + text_size(f->kind) + text_size(f->refusal);
    for (size_t i = 0; i < f->nattrs; i++)
        need += text_size(f->attrs[i].key) + text_size(f->attrs[i].value);
    if (need > s->arena_cap) {
        char *a = realloc(s->arena, need);
        if (!a)
            return -1;
        s->arena = a;
        s->arena_cap = need;
    }
    if (f->nattrs > s->attrs_cap) {
        pl_attr *a = realloc(s->attrs, f->nattrs * sizeof *a);
        if (!a)
            return -1;
        s->attrs = a;
        s->attrs_cap = f->nattrs;
    }
    pl_feature *c = &s->item.f;
    char *at = s->arena;
    c->number = f->number;
    c->line = f->line;
    c->where = put_text(&at, f->where);
    c->is_polygon = f->is_polygon;
    c->kind = put_text(&at, f->kind);
    for (size_t i = 0; i < f->nattrs; i++) {
        s->attrs[i].key = put_text(&at, f->attrs[i].key);
        s->attrs[i].value = put_text(&at, f->attrs[i].value);
    }
    c->attrs = s->attrs;
    c->nattrs = f->nattrs;
    c->declared_area_m2 = f->declared_area_m2;
    c->declared_area_unitless = f->declared_area_unitless;
    c->refusal = put_text(&at, f->refusal);
    return pl_geom_copy(&c->geom, &f->geom);
}

/* Publish the reader's filled slots (lock held). */
static void publish(pl_pipe *p)
{
    p->count += p->r_pending;
    p->r_pending = 0;
    if (p->caller_waits && p->count >= PL_PIPE_BATCH)
        pthread_cond_broadcast(&p->changed);
}

static int on_feature(const pl_feature *f, const pl_source_info *info, void *vp)
{
    pl_pipe *p = vp;
    if (p->r_free == 0 || p->r_pending >= PL_PIPE_BATCH) {
        pthread_mutex_lock(&p->lock);
        publish(p);
        if (p->count == PL_PIPE_SLOTS && !p->cancel) {
            p->reader_waits = 1;
            while (p->count > PL_PIPE_SLOTS - PL_PIPE_BATCH && !p->cancel)
                pthread_cond_wait(&p->changed, &p->lock);
            p->reader_waits = 0;
        }
        p->r_free = PL_PIPE_SLOTS - p->count;
        int cancel = p->cancel;
        pthread_mutex_unlock(&p->lock);
        if (cancel) /* the reader stops at a non-zero return (reader.h) */
            return PL_ERR_INPUT;
    }
    /* the slot at r_tail is the reader's alone until it is published */
    slot *s = &p->slots[p->r_tail];
    if (feature_copy(s, f))
        return pl_error_set(&p->err, PL_ERR_NOMEM, "out of memory");
    int rc = p->stage(&s->item, info, p->ctx, &p->err);
    if (rc)
        return rc;
    p->r_tail = (p->r_tail + 1) % PL_PIPE_SLOTS;
    p->r_free--;
    p->r_pending++;
    return 0;
}

static void *reader_main(void *vp)
{
    pl_pipe *p = vp;
    int rc = p->prologue ? p->prologue(p->ctx, &p->err) : PL_OK;
    if (!rc)
        rc = pl_read_any(p->path, p->fmt, &p->ro, p->info, on_feature, p, &p->err);
    pthread_mutex_lock(&p->lock);
    publish(p);
    p->rc = rc;
    p->done = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int pl_pipe_start(pl_pipe **out, void *const *slot_data, const char *path, pl_format fmt,
                  const pl_read_options *ro, pl_source_info *info, pl_pipe_prologue prologue,
                  pl_pipe_stage stage, void *ctx, pl_error *err)
{
    *out = NULL;
    pl_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return pl_error_set(err, PL_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < PL_PIPE_SLOTS; i++) {
        pl_geom_init(&p->slots[i].item.f.geom);
        p->slots[i].item.data = slot_data[i];
    }
    p->path = path;
    p->fmt = fmt;
    p->ro = *ro;
    p->info = info;
    p->prologue = prologue;
    p->stage = stage;
    p->ctx = ctx;
    pl_error_clear(&p->err);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->changed, NULL);
    if (pthread_create(&p->thread, NULL, reader_main, p) != 0) {
        pthread_cond_destroy(&p->changed);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return pl_error_set(err, PL_ERR_IO, "%s: cannot start the reading thread", path);
    }
    *out = p;
    return PL_OK;
}

/* Give back the caller's finished slots (lock held). */
static void give_back(pl_pipe *p)
{
    p->head = (p->head + p->c_done) % PL_PIPE_SLOTS;
    p->count -= p->c_done;
    p->c_done = 0;
    if (p->reader_waits && p->count <= PL_PIPE_SLOTS - PL_PIPE_BATCH)
        pthread_cond_broadcast(&p->changed);
}

pl_pipe_item *pl_pipe_next(pl_pipe *p)
{
    if (p->c_have == 0 || p->c_done >= PL_PIPE_BATCH) {
        pthread_mutex_lock(&p->lock);
        give_back(p);
        if (p->count == 0 && !p->done) {
            p->caller_waits = 1;
            while (p->count < PL_PIPE_BATCH && !p->done)
                pthread_cond_wait(&p->changed, &p->lock);
            p->caller_waits = 0;
        }
        p->c_have = p->count;
        pthread_mutex_unlock(&p->lock);
        if (p->c_have == 0)
            return NULL;
    }
    p->out = 1;
    return &p->slots[(p->head + p->c_done) % PL_PIPE_SLOTS].item;
}

void pl_pipe_release(pl_pipe *p, pl_pipe_item *item)
{
    (void)item;
    if (p->out) {
        p->out = 0;
        p->c_done++;
        p->c_have--;
    }
}

int pl_pipe_finish(pl_pipe *p, int cancel, pl_error *err)
{
    pthread_mutex_lock(&p->lock);
    if (cancel)
        p->cancel = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    int rc = p->rc;
    if (rc && err) {
        err->code = p->err.code ? p->err.code : rc;
        memcpy(err->message, p->err.message, sizeof err->message);
    }
    for (size_t i = 0; i < PL_PIPE_SLOTS; i++) {
        pl_geom_release(&p->slots[i].item.f.geom);
        free(p->slots[i].attrs);
        free(p->slots[i].arena);
    }
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(p);
    return rc;
}
