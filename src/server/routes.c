/* routes.c — every endpoint of `parkland serve` and who may call it: the one table the server
 * checks before a handler runs (method, path pattern, roles). */
#include "http.h"

#include <string.h>

#include "parkland/user.h"

#define READERS PL_ROLES_ALL
#define INVESTMENT (PL_ROLE_INVESTMENT | PL_ROLE_ADMIN)
#define LAND (PL_ROLE_LAND | PL_ROLE_ADMIN)
#define ADMIN PL_ROLE_ADMIN

/* '_' stands for one path segment (a code), handed to the handler. */
static const pl_route routes[] = {
    {"GET", "/healthz", ROUTE_PUBLIC, pl_api_healthz},
    {"POST", "/api/v1/session", ROUTE_PUBLIC, pl_api_session_create},
    {"DELETE", "/api/v1/session", READERS, pl_api_session_delete},
    {"GET", "/api/v1/parcels", READERS, pl_api_parcels},
    {"GET", "/api/v1/parcels/_", READERS, pl_api_parcel},
    {"GET", "/api/v1/free", READERS, pl_api_free},
    {"GET", "/api/v1/leads", INVESTMENT, pl_api_leads},
    {"POST", "/api/v1/leads", INVESTMENT, pl_api_lead_add},
    {"GET", "/api/v1/leads/_", INVESTMENT, pl_api_lead},
    {"PATCH", "/api/v1/leads/_", INVESTMENT, pl_api_lead_patch},
    {"GET", "/api/v1/leads/_/match", INVESTMENT, pl_api_lead_match},
    {"POST", "/api/v1/leads/_/reserve", INVESTMENT, pl_api_lead_reserve},
    {"GET", "/api/v1/projects", INVESTMENT, pl_api_projects},
    {"POST", "/api/v1/projects", INVESTMENT, pl_api_project_sign},
    {"GET", "/api/v1/projects/_", INVESTMENT, pl_api_project},
    {"POST", "/api/v1/projects/_/milestones", INVESTMENT, pl_api_project_milestone},
    {"GET", "/api/v1/reports/_", READERS, pl_api_report},
    {"GET", "/api/v1/exports/_", READERS, pl_api_export},
    {"GET", "/api/v1/history/parcel/_", READERS, pl_api_history},
    {"GET", "/api/v1/files/_", READERS, pl_api_file},
    {"GET", "/api/v1/history/lead/_", INVESTMENT, pl_api_history},
    {"GET", "/api/v1/history/project/_", INVESTMENT, pl_api_history},
    /* land: parcel edits, statuses, split/merge, reclaim, check, imports */
    {"PATCH", "/api/v1/parcels/_", LAND, pl_api_parcel_patch},
    {"POST", "/api/v1/parcels/_/status", LAND, pl_api_parcel_status},
    {"POST", "/api/v1/parcels/_/split", LAND, pl_api_parcel_split},
    {"POST", "/api/v1/parcels/merge", LAND, pl_api_parcel_merge},
    {"POST", "/api/v1/parcels/_/reclaim", LAND, pl_api_parcel_reclaim},
    {"GET", "/api/v1/check", LAND, pl_api_check},
    {"POST", "/api/v1/imports", LAND, pl_api_import_upload},
    {"POST", "/api/v1/imports/_/commit", LAND, pl_api_import_commit},
    {"DELETE", "/api/v1/imports/_", LAND, pl_api_import_discard},
    /* admin: accounts and parks */
    {"GET", "/api/v1/users", ADMIN, pl_api_users},
    {"POST", "/api/v1/users", ADMIN, pl_api_user_add},
    {"PATCH", "/api/v1/users/_", ADMIN, pl_api_user_patch},
    {"GET", "/api/v1/parks", READERS, pl_api_parks},
    {"POST", "/api/v1/parks", ADMIN, pl_api_park_add},
};

const pl_route *pl_routes(size_t *n)
{
    *n = sizeof routes / sizeof *routes;
    return routes;
}

/* url against pattern; the '_' segment copied into arg. */
static int path_match(const char *pattern, const char *url, char *arg, size_t arglen)
{
    const char *p = pattern, *u = url;
    while (*p && *u) {
        if (*p == '_' && p[-1] == '/') {
            size_t n = strcspn(u, "/");
            if (n == 0 || n >= arglen)
                return 0;
            memcpy(arg, u, n);
            arg[n] = '\0';
            u += n;
            p++;
        } else if (*p++ != *u++) {
            return 0;
        }
    }
    return !*p && !*u;
}

const pl_route *pl_route_find(const char *method, const char *url, char *arg, size_t arglen, int *path_known)
{
    *path_known = 0;
    char scratch[256];
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (!path_match(routes[i].pattern, url, scratch, sizeof scratch))
            continue;
        *path_known = 1;
        if (!strcmp(routes[i].method, method)) {
            path_match(routes[i].pattern, url, arg, arglen);
            return &routes[i];
        }
    }
    return NULL;
}
