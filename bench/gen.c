/*
 * gen.c — deterministic generator of a synthetic park for the benchmark
 * (bench/gen is the wrapper that builds and runs it).
 *
 *   bench-gen -n N [--seed S] [--park CODE] [-o PREFIX]
 *
 * writes
 *   PREFIX.geojson  RFC 7946 (lon/lat WGS84, 8 decimals, exterior rings
 *                   counter-clockwise, holes clockwise, no crs member)
 *   PREFIX.txt      Ministry coordinate TXT (界址点坐标, UTF-8, EPSG:4528,
 *                   X = northing, Y = easting with the zone prefix 40)
 *   PREFIX.meta     key=value facts for bench/run (counts, bytes, centre)
 *
 * Layout: cells of CELL × CELL metres on a near-square grid in EPSG:4528
 * around Qingdao (eastings 40 5xx xxx; northings centred on 3 990 000 — at
 * 100 000 parcels the grid spans about 86 × 86 km). A parcel is a star-convex
 * polygon around a point of its cell: vertices at strictly increasing angles
 * (every angular gap below 180°) and radii in [0.6, 1] of its size, which
 * makes it simple (no self-intersection) by construction; it stays GAP metres
 * inside its cell. Per parcel index i (so the shares are exact):
 *   - i % 10 == 3: a hole (a smaller star around the same point, inside the
 *     largest disc the outline contains) — 10 %;
 *   - i % 50 == 25: two parts, one star in each half of the cell — 2 %;
 *   - i % 5 == 0 (when i and i + 1 are plain): parcels i and i + 1 share one
 *     cell, cut in two along a line through the star's centre, so they touch
 *     along one exact edge — 36 % of the parcels, as in a real park where
 *     neighbours share boundaries (the import's overlap check then meets real
 *     candidates that touch without overlapping);
 *   - else one star alone in its cell.
 * Parcels have 8–60 vertices in all. No two parcels overlap. Coordinates are
 * rounded to the millimetre in EPSG:4528 first; the GeoJSON is PROJ's
 * transform of those same millimetre coordinates, so both files describe the
 * same parcels (areas agree within a few cm² per parcel).
 *
 * Attributes as in samples/: code, name, land_use, land_use_code, area_ha
 * (the shoelace area of the millimetre coordinates, 4 decimals), plus status
 * (spread over the lifecycle; parkland's import ignores it and sets every
 * parcel to 'reserve': bench/run copies it over after the import).
 *
 * Every parcel (or touching pair) draws from its own random stream (splitmix64
 * of the seed and its index): its shape and attributes do not depend on N,
 * only its place on the grid does; the output is byte-identical for the same
 * N and seed.
 */
#include <errno.h>
#include <math.h>
#include <proj.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL 300.0        /* metres */
#define GAP 5.0           /* metres kept free inside each cell edge */
#define ZONE_E0 40501000.0 /* easting of the west edge of the grid */
#define NORTH_MID 3990000.0
#define MAXV 64           /* vertices of one ring, at most */
#define PI 3.14159265358979323846

/* ---- random numbers ------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r) /* xoshiro256** */
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void rng_seed(rng *r, uint64_t seed, uint64_t index)
{
    uint64_t s = seed * 0x2545F4914F6CDD1Dull ^ (index + 1) * 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&s);
}

static double rng_unit(rng *r) /* [0, 1) */
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_int(rng *r, int lo, int hi) /* [lo, hi] */
{
    return lo + (int)(rng_unit(r) * (hi - lo + 1));
}

/* ---- geometry ------------------------------------------------------------- */

typedef struct ring {
    int n;                 /* vertices without the closing repeat */
    double e[MAXV + 1], nn[MAXV + 1]; /* easting (with zone prefix), northing: mm-rounded */
    double lon[MAXV + 1], lat[MAXV + 1];
} ring;

typedef struct parcel {
    int nrings;            /* 1, 2 (hole or second part) */
    int second_is_hole;    /* ring 1 is a hole of ring 0 (else a second part) */
    ring r[2];
    double area_m2;
} parcel;

static double mm(double v)
{
    return floor(v * 1000.0 + 0.5) / 1000.0;
}

/* Angles strictly increasing over one turn, each gap < 180°. Returns the
 * largest gap. */
static double star_angles(rng *g, int n, double *ang)
{
    double gaps[MAXV], sum = 0;
    for (int k = 0; k < n; k++) {
        gaps[k] = 0.4 + 1.2 * rng_unit(g);
        sum += gaps[k];
    }
    double a = rng_unit(g) * 2 * PI, maxgap = 0;
    for (int k = 0; k < n; k++) {
        ang[k] = a;
        double gap = gaps[k] / sum * 2 * PI;
        if (gap > maxgap)
            maxgap = gap;
        a += gap;
    }
    return maxgap;
}

/* A star polygon around (ce, cn): n vertices, radii in [0.6, 1] × size;
 * counter-clockwise when ccw, else clockwise. Returns the smallest distance
 * from the centre to the outline (a lower bound). */
static double star_ring(rng *g, ring *r, int n, double ce, double cn, double size, int ccw)
{
    double ang[MAXV], rad[MAXV], rmin = size;
    double maxgap = star_angles(g, n, ang);
    for (int k = 0; k < n; k++) {
        rad[k] = size * (0.6 + 0.4 * rng_unit(g));
        if (rad[k] < rmin)
            rmin = rad[k];
    }
    r->n = n;
    for (int k = 0; k < n; k++) {
        int j = ccw ? k : n - 1 - k;
        r->e[k] = mm(ce + rad[j] * cos(ang[j]));
        r->nn[k] = mm(cn + rad[j] * sin(ang[j]));
    }
    r->e[n] = r->e[0];
    r->nn[n] = r->nn[0];
    return rmin * cos(maxgap / 2);
}

static double ring_area(const ring *r) /* signed, shoelace, relative to the first vertex */
{
    double s = 0, e0 = r->e[0], n0 = r->nn[0];
    for (int k = 0; k < r->n; k++)
        s += (r->e[k] - e0) * (r->nn[k + 1] - n0) - (r->e[k + 1] - e0) * (r->nn[k] - n0);
    return s / 2;
}

enum { KIND_PLAIN, KIND_HOLE, KIND_MULTI };

static int parcel_kind(long i)
{
    if (i % 50 == 25)
        return KIND_MULTI; /* exactly 2 % */
    if (i % 10 == 3)
        return KIND_HOLE;  /* exactly 10 % */
    return KIND_PLAIN;
}

/* Parcels i and i + 1 share one cell, cut in two along a line through the
 * centre of its star (36 % of the parcels: they touch their neighbour, as
 * parcels of a real park do, so the overlap check meets real candidates). */
static int is_split(long i, long n)
{
    return i % 5 == 0 && i + 1 < n && parcel_kind(i) == KIND_PLAIN && parcel_kind(i + 1) == KIND_PLAIN;
}

static void cell_origin(long cell, long cols, double n_south, double *e_w, double *n_s)
{
    *e_w = ZONE_E0 + (double)(cell % cols) * CELL;
    *n_s = n_south + (double)(cell / cols) * CELL;
}

static void make_parcel(rng *g, long i, long cell, long cols, double n_south, parcel *p)
{
    double e_w, n_s;
    cell_origin(cell, cols, n_south, &e_w, &n_s);
    double half = CELL / 2 - GAP;
    int kind = parcel_kind(i);
    memset(p, 0, sizeof *p);
    if (kind == KIND_MULTI) {
        double q = CELL / 4 - GAP; /* each part in its half of the cell */
        for (int part = 0; part < 2; part++) {
            double size = q * (0.5 + 0.5 * rng_unit(g));
            double slack = q - size;
            double ce = e_w + CELL / 4 + part * CELL / 2 + slack * (2 * rng_unit(g) - 1);
            double cn = n_s + CELL / 2 + (CELL / 2 - GAP - size) * (2 * rng_unit(g) - 1);
            star_ring(g, &p->r[part], rng_int(g, 8, 30), ce, cn, size, 1);
        }
        p->nrings = 2;
        p->area_m2 = ring_area(&p->r[0]) + ring_area(&p->r[1]);
        return;
    }
    double size = half * (0.35 + 0.65 * rng_unit(g));
    double slack = half - size;
    double ce = e_w + CELL / 2 + slack * (2 * rng_unit(g) - 1);
    double cn = n_s + CELL / 2 + slack * (2 * rng_unit(g) - 1);
    double inner = star_ring(g, &p->r[0], rng_int(g, 8, kind == KIND_HOLE ? 52 : 60), ce, cn, size, 1);
    p->nrings = 1;
    p->area_m2 = ring_area(&p->r[0]);
    if (kind == KIND_HOLE) {
        /* radii ≤ hsize lie inside the disc of radius `inner` the outline contains */
        double hsize = inner * (0.35 + 0.45 * rng_unit(g));
        star_ring(g, &p->r[1], rng_int(g, 5, 8), ce, cn, hsize, 0); /* 13–60 in all */
        p->nrings = 2;
        p->second_is_hole = 1;
        p->area_m2 += ring_area(&p->r[1]); /* clockwise: negative */
    }
}

/* Point where the ray from (ce, cn) at angle t meets the star outline of
 * n vertices at angles ang[] (increasing from ang[0], one turn) and radii rad[]. */
static void ray_hit(double ce, double cn, const double *ang, const double *rad, int n, double t, double *e,
                    double *nn)
{
    double a0 = ang[0];
    while (t < a0)
        t += 2 * PI;
    while (t >= a0 + 2 * PI)
        t -= 2 * PI;
    int k = n - 1;
    for (int j = 0; j + 1 < n; j++)
        if (t >= ang[j] && t < ang[j + 1]) {
            k = j;
            break;
        }
    int k1 = (k + 1) % n;
    double pe = rad[k] * cos(ang[k]), pn = rad[k] * sin(ang[k]);
    double qe = rad[k1] * cos(ang[k1]), qn = rad[k1] * sin(ang[k1]);
    double de = qe - pe, dn = qn - pn, ue = cos(t), un = sin(t);
    double s = (pe * dn - pn * de) / (ue * dn - un * de); /* ray c + s·u meets p + v·d */
    *e = mm(ce + s * ue);
    *nn = mm(cn + s * un);
}

/* One star in the cell, cut along the line through its centre at angle phi:
 * a gets the side phi…phi+π, b the other; both counter-clockwise, sharing the
 * cut edge exactly (the same two millimetre points). Vertices closer than
 * 0.05 rad to the cut are dropped so that rounding never crosses it. */
static void make_split(rng *g, long cell, long cols, double n_south, parcel *a, parcel *b)
{
    double e_w, n_s;
    cell_origin(cell, cols, n_south, &e_w, &n_s);
    double half = CELL / 2 - GAP;
    double size = half * (0.55 + 0.45 * rng_unit(g));
    double slack = half - size;
    double ce = e_w + CELL / 2 + slack * (2 * rng_unit(g) - 1);
    double cn = n_s + CELL / 2 + slack * (2 * rng_unit(g) - 1);
    int n = rng_int(g, 14, 60);
    double ang[MAXV], rad[MAXV];
    star_angles(g, n, ang);
    for (int k = 0; k < n; k++)
        rad[k] = size * (0.6 + 0.4 * rng_unit(g));
    double phi = rng_unit(g) * 2 * PI;
    double e0, n0, e1, n1; /* cut ends at phi and phi + π */
    ray_hit(ce, cn, ang, rad, n, phi, &e0, &n0);
    ray_hit(ce, cn, ang, rad, n, phi + PI, &e1, &n1);
    parcel *side[2] = {a, b};
    for (int h = 0; h < 2; h++) {
        parcel *p = side[h];
        memset(p, 0, sizeof *p);
        ring *r = &p->r[0];
        double from = phi + h * PI; /* this side: angles from … from + π */
        int m = 0;
        r->e[m] = h ? e1 : e0;
        r->nn[m++] = h ? n1 : n0;
        /* vertices in angular order starting after `from` */
        int start = 0;
        double best = 1e9;
        for (int k = 0; k < n; k++) {
            double d = fmod(ang[k] - from + 4 * PI, 2 * PI);
            if (d < best) {
                best = d;
                start = k;
            }
        }
        for (int j = 0; j < n; j++) {
            int k = (start + j) % n;
            double d = fmod(ang[k] - from + 4 * PI, 2 * PI);
            if (d > PI - 0.05)
                break;
            if (d < 0.05)
                continue;
            r->e[m] = mm(ce + rad[k] * cos(ang[k]));
            r->nn[m++] = mm(cn + rad[k] * sin(ang[k]));
        }
        r->e[m] = h ? e0 : e1;
        r->nn[m++] = h ? n0 : n1;
        r->n = m;
        r->e[m] = r->e[0];
        r->nn[m] = r->nn[0];
        p->nrings = 1;
        p->area_m2 = ring_area(r);
    }
}

/* ---- attributes ------------------------------------------------------------ */

static const char *const zones[] = {"中德生态园", "董家口经济区", "胶州经济技术开发区", "即墨汽车产业新城",
                                    "莱西姜山新能源汽车产业园", "平度南村智能家电产业园", "上合示范区",
                                    "中日地方发展合作示范区"};

static const struct {
    const char *use, *code;
    int weight;
} uses[] = {{"工业用地", "0601", 75}, {"仓储用地", "0604", 12}, {"科研用地", "0804", 8}, {"商务金融用地", "0505", 5}};

static const struct {
    const char *id;
    int weight;
} statuses[] = {{"reserve", 15},      {"available", 40},  {"reserved", 5},  {"listed", 5}, {"transferred", 8},
                {"construction", 12}, {"production", 9}, {"verified", 4}, {"idle", 2}};

static int pick_weighted(rng *g, int total)
{
    return (int)(rng_unit(g) * total);
}

/* ---- output --------------------------------------------------------------- */

/* Fixed-point decimal of v with `dec` decimals (fast and exact for our ranges). */
static char *put_fixed(char *p, double v, int dec)
{
    static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (v < 0) {
        *p++ = '-';
        v = -v;
    }
    long long scaled = llround(v * pow10[dec]);
    long long ip = scaled / (long long)pow10[dec], fp = scaled % (long long)pow10[dec];
    char tmp[32];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (n)
        *p++ = tmp[--n];
    if (dec) {
        *p++ = '.';
        for (int k = dec - 1; k >= 0; k--) {
            p[k] = (char)('0' + fp % 10);
            fp /= 10;
        }
        p += dec;
    }
    return p;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "bench-gen: %s %s: %s\n", what, path ? path : "", strerror(errno));
    exit(1);
}

static FILE *open_out(const char *prefix, const char *ext, char *path, size_t len)
{
    snprintf(path, len, "%s%s", prefix, ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write", path);
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

/* What the output loop keeps: files, transform, counts. */
typedef struct emitter {
    FILE *gj, *tx;
    PJ *pj;
    const char *park;
    long cols, rows;
    int use_total, status_total;
    long nstatus[sizeof statuses / sizeof *statuses];
    long vertices, holes, multi, split, maxv, minv;
    double total_area;
} emitter;

/* Write parcel i (in `cell`) to both files. */
static void emit(emitter *em, rng *g, long i, long cell, parcel *p, const char *suffix)
{
    static char line[65536];
    for (int k = 0; k < p->nrings; k++) {
        ring *r = &p->r[k];
        for (int v = 0; v <= r->n; v++) {
            r->lon[v] = r->e[v];
            r->lat[v] = r->nn[v];
        }
        proj_trans_generic(em->pj, PJ_FWD, r->lon, sizeof(double), (size_t)r->n + 1, r->lat, sizeof(double),
                           (size_t)r->n + 1, NULL, 0, 0, NULL, 0, 0);
    }
    long nv = 0;
    for (int k = 0; k < p->nrings; k++)
        nv += p->r[k].n;
    em->vertices += nv;
    if (nv > em->maxv)
        em->maxv = nv;
    if (nv < em->minv)
        em->minv = nv;
    int multi_part = p->nrings == 2 && !p->second_is_hole;
    if (p->nrings == 2 && p->second_is_hole)
        em->holes++;
    if (multi_part)
        em->multi++;
    em->total_area += p->area_m2;

    char code[64], name[256];
    snprintf(code, sizeof code, "%s-2024-%06ld", em->park, i + 1);
    long row = cell / em->cols, col = cell % em->cols;
    size_t nz = sizeof zones / sizeof *zones;
    const char *zone = zones[(size_t)(row * (long)nz / (em->rows ? em->rows : 1)) % nz];
    snprintf(name, sizeof name, "%s标准地%c%03ld-%03ld%s", zone, (char)('A' + (col * 26 / em->cols)), row + 1,
             col + 1, suffix);
    int u = pick_weighted(g, em->use_total), ui = 0;
    while (u >= uses[ui].weight)
        u -= uses[ui++].weight;
    int s = pick_weighted(g, em->status_total), si = 0;
    while (s >= statuses[si].weight)
        s -= statuses[si++].weight;
    em->nstatus[si]++;
    double area_ha = floor(p->area_m2 / 10000.0 * 10000.0 + 0.5) / 10000.0;

    /* GeoJSON: one feature per line */
    char *q = line;
    q += sprintf(q, "%s{ \"type\": \"Feature\", \"properties\": { \"code\": \"%s\", \"name\": \"%s\", "
                    "\"land_use\": \"%s\", \"land_use_code\": \"%s\", \"area_ha\": %.4f, \"status\": \"%s\" }, "
                    "\"geometry\": { \"type\": \"%s\", \"coordinates\": [ ",
                 i ? ",\n" : "", code, name, uses[ui].use, uses[ui].code, area_ha, statuses[si].id,
                 multi_part ? "MultiPolygon" : "Polygon");
    for (int k = 0; k < p->nrings; k++) {
        const ring *r = &p->r[k];
        if (k)
            q += sprintf(q, ", ");
        if (multi_part)
            q += sprintf(q, "[ ");
        *q++ = '[';
        *q++ = ' ';
        for (int v = 0; v <= r->n; v++) {
            if (v) {
                *q++ = ',';
                *q++ = ' ';
            }
            *q++ = '[';
            *q++ = ' ';
            q = put_fixed(q, r->lon[v], 8);
            *q++ = ',';
            *q++ = ' ';
            q = put_fixed(q, r->lat[v], 8);
            *q++ = ' ';
            *q++ = ']';
        }
        *q++ = ' ';
        *q++ = ']';
        if (multi_part)
            q += sprintf(q, " ]");
    }
    q += sprintf(q, " ] } }");
    fwrite(line, 1, (size_t)(q - line), em->gj);

    /* TXT: header line, then 点号,圈号,X(northing),Y(easting) with closing repeats */
    long npoints = 0;
    for (int k = 0; k < p->nrings; k++)
        npoints += p->r[k].n + 1;
    q = line;
    q += sprintf(q, "%ld,%.4f,%s,%s,面,,%s,%s,@\n", npoints, area_ha, code, name, uses[ui].use, uses[ui].code);
    long jn = 1;
    for (int k = 0; k < p->nrings; k++) {
        const ring *r = &p->r[k];
        long first = jn;
        for (int v = 0; v <= r->n; v++) {
            q += sprintf(q, "J%ld,%d,", v == r->n ? first : jn++, k + 1);
            q = put_fixed(q, r->nn[v], 3);
            *q++ = ',';
            q = put_fixed(q, r->e[v], 3);
            *q++ = '\n';
        }
    }
    fwrite(line, 1, (size_t)(q - line), em->tx);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: bench-gen -n N [--seed S] [--park CODE] [-o PREFIX]\n"
                 "writes PREFIX.geojson (RFC 7946), PREFIX.txt (Ministry TXT, EPSG:4528) and PREFIX.meta\n"
                 "defaults: seed 20240618, park QDBM, prefix park-N\n");
}

int main(int argc, char **argv)
{
    long n = 0;
    uint64_t seed = 20240618;
    const char *park = "QDBM";
    const char *prefix = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-n") || !strcmp(a, "--parcels")) && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else if (!strcmp(a, "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--park") && i + 1 < argc)
            park = argv[++i];
        else if (!strcmp(a, "-o") && i + 1 < argc)
            prefix = argv[++i];
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (n <= 0 || n > 10000000) {
        usage(stderr);
        return 2;
    }
    char defprefix[64];
    if (!prefix) {
        snprintf(defprefix, sizeof defprefix, "park-%ld", n);
        prefix = defprefix;
    }

    PJ_CONTEXT *ctx = proj_context_create();
    PJ *raw = proj_create_crs_to_crs(ctx, "EPSG:4528", "EPSG:4326", NULL);
    PJ *pj = raw ? proj_normalize_for_visualization(ctx, raw) : NULL; /* (E, N) → (lon, lat) */
    if (!pj) {
        fprintf(stderr, "bench-gen: PROJ cannot transform EPSG:4528 to EPSG:4326: %s\n",
                proj_context_errno_string(ctx, proj_context_errno(ctx)));
        return 1;
    }

    long ncells = 0;
    for (long i = 0; i < n; ncells++)
        i += is_split(i, n) ? 2 : 1;
    long cols = (long)ceil(sqrt((double)ncells)), rows = (ncells + cols - 1) / cols;
    double n_south = NORTH_MID - floor(rows * CELL / 2);

    char gpath[4096], tpath[4096], mpath[4096];
    FILE *gj = open_out(prefix, ".geojson", gpath, sizeof gpath);
    FILE *tx = open_out(prefix, ".txt", tpath, sizeof tpath);
    const char *base = strrchr(prefix, '/') ? strrchr(prefix, '/') + 1 : prefix;
    fprintf(gj, "{\n\"type\": \"FeatureCollection\",\n\"name\": \"%s\",\n\"features\": [\n", base);
    fputs("[属性描述]\n格式版本号=1.01\n数据产生单位=parkland基准测试数据(合成,非测量成果)\n"
          "数据产生日期=2024-06-18\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n"
          "计量单位=米\n带号=40\n精度=0.001\n转换参数=,,,,,,\n[地块坐标]\n", tx);

    emitter em = {.gj = gj, .tx = tx, .pj = pj, .park = park, .cols = cols, .rows = rows, .minv = 1 << 30};
    for (size_t k = 0; k < sizeof uses / sizeof *uses; k++)
        em.use_total += uses[k].weight;
    for (size_t k = 0; k < sizeof statuses / sizeof *statuses; k++)
        em.status_total += statuses[k].weight;

    long cell = 0;
    for (long i = 0; i < n; cell++) {
        rng g;
        rng_seed(&g, seed, (uint64_t)i);
        parcel p[2];
        if (is_split(i, n)) {
            make_split(&g, cell, cols, n_south, &p[0], &p[1]);
            emit(&em, &g, i, cell, &p[0], "-1");
            emit(&em, &g, i + 1, cell, &p[1], "-2");
            em.split += 2;
            i += 2;
        } else {
            make_parcel(&g, i, cell, cols, n_south, &p[0]);
            emit(&em, &g, i, cell, &p[0], "");
            i += 1;
        }
    }
    fputs("\n]\n}\n", gj);
    if (fclose(gj) != 0)
        die("cannot write", gpath);
    if (fclose(tx) != 0)
        die("cannot write", tpath);

    /* centre of the grid, for --near queries */
    double ce = ZONE_E0 + cols * CELL / 2, cn = n_south + rows * CELL / 2;
    double clon = ce, clat = cn;
    proj_trans_generic(pj, PJ_FWD, &clon, sizeof(double), 1, &clat, sizeof(double), 1, NULL, 0, 0, NULL, 0, 0);
    proj_destroy(pj);
    proj_destroy(raw);
    proj_context_destroy(ctx);

    FILE *m = open_out(prefix, ".meta", mpath, sizeof mpath);
    fprintf(m, "parcels=%ld\nseed=%llu\npark=%s\ncells=%ld\ncols=%ld\nrows=%ld\ncell_m=%.0f\nvertices=%ld\n"
               "min_vertices=%ld\nmax_vertices=%ld\nholes=%ld\nmultipart=%ld\ntouching_pairs=%ld\n"
               "area_m2=%.3f\ncentre_e=%.3f\ncentre_n=%.3f\ncentre_lon=%.7f\ncentre_lat=%.7f\n",
            n, (unsigned long long)seed, park, ncells, cols, rows, CELL, em.vertices, em.minv, em.maxv, em.holes,
            em.multi, em.split / 2, em.total_area, ce, cn, clon, clat);
    for (size_t k = 0; k < sizeof statuses / sizeof *statuses; k++)
        fprintf(m, "status_%s=%ld\n", statuses[k].id, em.nstatus[k]);
    if (fclose(m) != 0)
        die("cannot write", mpath);
    fprintf(stderr, "bench-gen: %ld parcels (%ld vertices, %ld with holes, %ld two-part, %ld in touching pairs) → %s, %s\n",
            n, em.vertices, em.holes, em.multi, em.split, gpath, tpath);
    return 0;
}
