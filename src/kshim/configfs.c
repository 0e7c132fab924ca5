/* SPDX-License-Identifier: MIT */
/* configfs basics (<linux/configfs.h>): subsystems of attributes. */
#include <string.h>

#include "kshim.h"

#include <linux/configfs.h>
#include <linux/mutex.h>
#include <asm/page.h>
#include <linux/slab.h>

void config_group_init(struct config_group *group)
{
	(void)group;
}

void config_group_init_type_name(struct config_group *group, const char *name,
				 const struct config_item_type *type)
{
	snprintf(group->cg_item.ci_namebuf, sizeof(group->cg_item.ci_namebuf), "%s", name);
	group->cg_item.ci_type = type;
}

int configfs_register_subsystem(struct configfs_subsystem *subsys)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	for (struct configfs_subsystem *s = k->configfs; s; s = s->next)
		if (s == subsys ||
		    !strcmp(s->su_group.cg_item.ci_namebuf, subsys->su_group.cg_item.ci_namebuf))
			return -EEXIST;
	subsys->next = k->configfs;
	k->configfs = subsys;
	return 0;
}

void configfs_unregister_subsystem(struct configfs_subsystem *subsys)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct configfs_subsystem **pp = &k->configfs;
	while (*pp && *pp != subsys)
		pp = &(*pp)->next;
	if (*pp)
		*pp = subsys->next;
}

static struct configfs_attribute *find(struct rmpsim_kernel *k, const char *path,
				       struct config_item **ret_item)
{
	const char *slash = strchr(path, '/');
	if (!slash)
		return NULL;
	size_t n = (size_t)(slash - path);
	for (struct configfs_subsystem *s = k->configfs; s; s = s->next) {
		struct config_item *item = &s->su_group.cg_item;
		if (strlen(item->ci_namebuf) != n || strncmp(item->ci_namebuf, path, n) || !item->ci_type)
			continue;
		for (struct configfs_attribute **a = item->ci_type->ct_attrs; a && *a; a++) {
			if (!strcmp((*a)->ca_name, slash + 1)) {
				*ret_item = item;
				return *a;
			}
		}
	}
	return NULL;
}

long rmpsim_kernel_configfs_show(struct rmpsim_kernel *k, const char *path, char *buf, size_t size)
{
	struct config_item *item;
	struct configfs_attribute *a = find(k, path, &item);
	if (!a)
		return -ENOENT;
	if (!a->show)
		return -EACCES;
	char *page = kzalloc(PAGE_SIZE, GFP_KERNEL); /* show() writes at most a page */
	if (!page)
		return -ENOMEM;
	long n = (long)a->show(item, page);
	if (n >= 0 && size) {
		size_t c = (size_t)n < size - 1 ? (size_t)n : size - 1;
		memcpy(buf, page, c);
		buf[c] = '\0';
	}
	kfree(page);
	return n;
}

long rmpsim_kernel_configfs_store(struct rmpsim_kernel *k, const char *path, const char *buf, size_t count)
{
	struct config_item *item;
	struct configfs_attribute *a = find(k, path, &item);
	if (!a)
		return -ENOENT;
	if (!a->store)
		return -EACCES;
	return (long)a->store(item, buf, count);
}
