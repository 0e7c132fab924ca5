/* SPDX-License-Identifier: MIT */
/* Doubly linked lists with the kernel's names (include/linux/list.h). */
#ifndef _LINUX_LIST_H
#define _LINUX_LIST_H

#include <linux/container_of.h>
#include <linux/types.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)                                                                                 \
	{                                                                                                    \
		&(name), &(name)                                                                             \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

static inline void list_del(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	/* Poison like the kernel (LIST_POISON), so a use after list_del faults. */
	entry->next = NULL;
	entry->prev = NULL;
}

static inline void list_del_init(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	INIT_LIST_HEAD(entry);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

static inline bool list_is_singular(const struct list_head *head)
{
	return !list_empty(head) && head->next == head->prev;
}

#define list_entry(ptr, type, member)	      container_of(ptr, type, member)
#define list_first_entry(ptr, type, member)   list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member)    list_entry((ptr)->prev, type, member)
#define list_next_entry(pos, member)	      list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))
#define list_for_each(pos, head)	      for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_entry(pos, head, member)                                                               \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member);                                     \
	     !list_entry_is_head(pos, head, member); (pos) = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                                                       \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member), (n) = list_next_entry(pos, member); \
	     !list_entry_is_head(pos, head, member); (pos) = (n), (n) = list_next_entry(n, member))

#endif
