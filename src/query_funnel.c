/* query_funnel.c — which filter of `query free` removed the last candidates
 * (parkland/query.h): pl_query_free itself, with one more filter each time. */
#include "parkland/query.h"

#include <math.h>
#include <string.h>

static int count_row(const pl_free_parcel *row, void *ctx)
{
    (void)row;
    (*(long *)ctx)++;
    return 0;
}

int pl_query_free_funnel(pl_db *db, const pl_query_filter *filter, pl_query_funnel *out, pl_error *err)
{
    memset(out, 0, sizeof *out);
    out->emptied_by = -1;
    pl_query_filter all = *filter, f;
    pl_query_filter_init(&f);
    /* the steps: what each adds to the filter so far */
    for (int step = 0; step < 9; step++) {
        const char *name = NULL;
        switch (step) {
        case 0:
            name = "available";
            break;
        case 1:
            if (all.park)
                f.park = all.park, name = "park";
            break;
        case 2:
            if (!isnan(all.min_mu) || !isnan(all.max_mu))
                f.min_mu = all.min_mu, f.max_mu = all.max_mu, name = "area";
            break;
        case 3:
            if (all.industry)
                f.industry = all.industry, name = "industry";
            break;
        case 4:
            if (!isnan(all.max_intensity))
                f.max_intensity = all.max_intensity, name = "max_intensity";
            break;
        case 5:
            if (!isnan(all.investment))
                f.investment = all.investment, name = "investment";
            break;
        case 6:
            if (!isnan(all.min_far))
                f.min_far = all.min_far, name = "min_far";
            break;
        case 7:
            if (!isnan(all.within_m))
                f.near_lon = all.near_lon, f.near_lat = all.near_lat, f.within_m = all.within_m, name = "near";
            break;
        default:
            if (all.adjacent)
                f.adjacent = all.adjacent, name = "adjacent";
            break;
        }
        if (!name)
            continue;
        long n = 0;
        int rc = pl_query_free(db, &f, count_row, &n, err);
        if (rc)
            return rc;
        pl_query_funnel_step *s = &out->steps[out->n];
        s->filter = name;
        s->remaining = n;
        if (!n && out->emptied_by < 0)
            out->emptied_by = (int)out->n;
        out->n++;
    }
    return 0;
}
