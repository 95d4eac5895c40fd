/* message_list.c — see message_list.h. */
#include "message_list.h"

#include <stdlib.h>
#include <string.h>

void pl_message_list_add(char ***list, size_t *n, long *dropped, size_t max, const char *text)
{
    if (*n >= max) {
        ++*dropped;
        return;
    }
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    char *copy = grown ? strdup(text) : NULL;
    if (grown)
        *list = grown;
    if (!copy) {
        ++*dropped;
        return;
    }
    (*list)[(*n)++] = copy;
}

void pl_message_list_release(char ***list, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*list)[i]);
    free(*list);
    *list = NULL;
    *n = 0;
}
