#include "rawgeom.h"

#include "buf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void pl_geom_init(pl_geom *g)
{
    memset(g, 0, sizeof *g);
}

void pl_geom_clear(pl_geom *g)
{
    for (size_t i = 0; i < g->n; i++) {
        pl_poly *p = &g->polys[i];
        for (size_t j = 0; j < p->n; j++)
            p->rings[j].n = 0;
        p->n = 0;
    }
    g->n = 0;
}

void pl_geom_release(pl_geom *g)
{
    for (size_t i = 0; i < g->cap; i++) {
        pl_poly *p = &g->polys[i];
        for (size_t j = 0; j < p->cap; j++)
            free(p->rings[j].xy);
        free(p->rings);
    }
    free(g->polys);
    memset(g, 0, sizeof *g);
}

pl_poly *pl_geom_add_poly(pl_geom *g)
{
    if (pl_grow((void **)&g->polys, &g->cap, g->n + 1, sizeof *g->polys, 4))
        return NULL;
    pl_poly *p = &g->polys[g->n++];
    for (size_t j = 0; j < p->n; j++)
        p->rings[j].n = 0;
    p->n = 0;
    return p;
}

pl_ring *pl_poly_add_ring(pl_poly *p)
{
    if (pl_grow((void **)&p->rings, &p->cap, p->n + 1, sizeof *p->rings, 4))
        return NULL;
    pl_ring *r = &p->rings[p->n++];
    r->n = 0;
    return r;
}

int pl_ring_add_point(pl_ring *r, double x, double y)
{
    if (pl_grow((void **)&r->xy, &r->cap, r->n + 1, 2 * sizeof(double), 4))
        return -1;
    r->xy[2 * r->n] = x;
    r->xy[2 * r->n + 1] = y;
    r->n++;
    return 0;
}

int pl_geom_copy(pl_geom *dst, const pl_geom *src)
{
    pl_geom_clear(dst);
    for (size_t i = 0; i < src->n; i++) {
        pl_poly *p = pl_geom_add_poly(dst);
        if (!p)
            return -1;
        for (size_t j = 0; j < src->polys[i].n; j++) {
            const pl_ring *s = &src->polys[i].rings[j];
            pl_ring *r = pl_poly_add_ring(p);
            if (!r || pl_grow((void **)&r->xy, &r->cap, s->n, 2 * sizeof(double), 4))
                return -1;
            if (s->n)
                memcpy(r->xy, s->xy, s->n * 2 * sizeof(double));
            r->n = s->n;
        }
    }
    return 0;
}

size_t pl_geom_npoints(const pl_geom *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++)
            n += g->polys[i].rings[j].n;
    return n;
}

int pl_ring_is_closed(const pl_ring *r)
{
    if (r->n < 2)
        return 0;
    const double *a = r->xy, *b = r->xy + 2 * (r->n - 1);
    return a[0] == b[0] && a[1] == b[1];
}

int pl_ring_close(pl_ring *r)
{
    if (r->n == 0 || pl_ring_is_closed(r))
        return 0;
    return pl_ring_add_point(r, r->xy[0], r->xy[1]);
}

double pl_ring_signed_area(const pl_ring *r)
{
    if (r->n < 3)
        return 0.0;
    /* shift to the first point to keep precision with large coordinates */
    double x0 = r->xy[0], y0 = r->xy[1], s = 0.0;
    for (size_t i = 0; i < r->n; i++) {
        size_t k = (i + 1) % r->n;
        double xi = r->xy[2 * i] - x0, yi = r->xy[2 * i + 1] - y0;
        double xk = r->xy[2 * k] - x0, yk = r->xy[2 * k + 1] - y0;
        s += xi * yk - xk * yi;
    }
    return s / 2.0;
}

int pl_ring_contains_point(const pl_ring *r, double x, double y)
{
    int inside = 0;
    for (size_t i = 0, j = r->n ? r->n - 1 : 0; i < r->n; j = i++) {
        double xi = r->xy[2 * i], yi = r->xy[2 * i + 1];
        double xj = r->xy[2 * j], yj = r->xy[2 * j + 1];
        if (((yi > y) != (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi))
            inside = !inside;
    }
    return inside;
}

int pl_geom_bbox(const pl_geom *g, double *minx, double *miny, double *maxx, double *maxy)
{
    int any = 0;
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->polys[i].n; j++) {
            const pl_ring *r = &g->polys[i].rings[j];
            for (size_t k = 0; k < r->n; k++) {
                double x = r->xy[2 * k], y = r->xy[2 * k + 1];
                if (!any) {
                    *minx = *maxx = x;
                    *miny = *maxy = y;
                    any = 1;
                } else {
                    *minx = fmin(*minx, x);
                    *maxx = fmax(*maxx, x);
                    *miny = fmin(*miny, y);
                    *maxy = fmax(*maxy, y);
                }
            }
        }
    return any;
}

static int put_u8(unsigned char **buf, size_t *cap, size_t *len, unsigned char v)
{
    if (pl_grow((void **)buf, cap, *len + 1, 1, 4))
        return -1;
    (*buf)[(*len)++] = v;
    return 0;
}

static int put_bytes(unsigned char **buf, size_t *cap, size_t *len, const void *p, size_t n)
{
    if (pl_grow((void **)buf, cap, *len + n, 1, 4))
        return -1;
    memcpy(*buf + *len, p, n);
    *len += n;
    return 0;
}

static int put_u32(unsigned char **buf, size_t *cap, size_t *len, uint32_t v)
{
    unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff};
    return put_bytes(buf, cap, len, b, 4);
}

static int put_f64(unsigned char **buf, size_t *cap, size_t *len, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (u >> (8 * i)) & 0xff;
    return put_bytes(buf, cap, len, b, 8);
}

int pl_geom_to_wkb(const pl_geom *g, unsigned char **buf, size_t *cap, size_t *len)
{
    *len = 0;
    if (put_u8(buf, cap, len, 1) || put_u32(buf, cap, len, 6) || put_u32(buf, cap, len, (uint32_t)g->n))
        return -1;
    for (size_t i = 0; i < g->n; i++) {
        const pl_poly *p = &g->polys[i];
        if (put_u8(buf, cap, len, 1) || put_u32(buf, cap, len, 3) || put_u32(buf, cap, len, (uint32_t)p->n))
            return -1;
        for (size_t j = 0; j < p->n; j++) {
            const pl_ring *r = &p->rings[j];
            if (put_u32(buf, cap, len, (uint32_t)r->n))
                return -1;
            for (size_t k = 0; k < 2 * r->n; k++)
                if (put_f64(buf, cap, len, r->xy[k]))
                    return -1;
        }
    }
    return 0;
}
