/* boundary.c — boundary points numbered as the Ministry TXT numbers them (boundary.h). */
#include "boundary.h"

#include <math.h>
#include <stdlib.h>

int pl_boundary_ring(pl_ring *out, const pl_ring *r, int cw)
{
    out->n = 0;
    size_t n = r->n;
    if (n > 1 && r->xy[0] == r->xy[2 * (n - 1)] && r->xy[1] == r->xy[2 * (n - 1) + 1])
        n--;
    double a = pl_ring_signed_area(r);
    int reverse = (cw && a > 0) || (!cw && a < 0);
    size_t start = 0;
    double best = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double v = r->xy[2 * k + 1] - r->xy[2 * k];
        if (v > best) {
            best = v;
            start = k;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = reverse ? (start + n - i) % n : (start + i) % n;
        if (pl_ring_add_point(out, r->xy[2 * k], r->xy[2 * k + 1]))
            return -1;
    }
    return 0;
}

static int add(pl_boundary *b, pl_bpoint p)
{
    if (b->n == b->cap) {
        size_t c = b->cap ? 2 * b->cap : 32;
        pl_bpoint *q = realloc(b->p, c * sizeof *q);
        if (!q)
            return -1;
        b->p = q;
        b->cap = c;
    }
    b->p[b->n++] = p;
    return 0;
}

int pl_boundary_of(const pl_geom *g, pl_boundary *b)
{
    b->n = 0;
    b->rings = 0;
    b->vertices = 0;
    pl_ring r = {0};
    long pt = 1;
    int rc = 0;
    for (size_t i = 0; i < g->n && !rc; i++)
        for (size_t j = 0; j < g->polys[i].n && !rc; j++) {
            if (pl_boundary_ring(&r, &g->polys[i].rings[j], j == 0)) {
                rc = -1;
                break;
            }
            int ringno = ++b->rings; /* counted as the TXT counts it, even when empty */
            if (r.n == 0)
                continue;
            long first = pt;
            for (size_t k = 0; k <= r.n && !rc; k++) {
                size_t q = k < r.n ? k : 0;
                pl_bpoint p = {k < r.n ? pt++ : first, ringno, k == r.n, r.xy[2 * q], r.xy[2 * q + 1], NAN};
                if (k > 0) {
                    size_t prev = k - 1;
                    p.side = hypot(r.xy[2 * q] - r.xy[2 * prev], r.xy[2 * q + 1] - r.xy[2 * prev + 1]);
                }
                rc = add(b, p);
            }
            b->vertices += (long)r.n;
        }
    free(r.xy);
    return rc;
}

void pl_boundary_release(pl_boundary *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}
