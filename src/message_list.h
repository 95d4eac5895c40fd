/* message_list.h — the capped lists of refusal messages that the CSV imports
 * (lead import, import annual) hand back in their result structs. */
#ifndef PARKLAND_MESSAGE_LIST_H
#define PARKLAND_MESSAGE_LIST_H

#include <stddef.h>

/* Append a copy of `text` to *list (n entries, each malloc'd and owned by the
 * list's result): beyond `max` entries, or without memory, it is counted in
 * *dropped instead. */
void pl_message_list_add(char ***list, size_t *n, long *dropped, size_t max, const char *text);

/* Free every entry and the list; *list NULL and *n 0 after. */
void pl_message_list_release(char ***list, size_t *n);

#endif
