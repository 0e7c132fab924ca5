/* SPDX-License-Identifier: MIT */
/*
 * configfs basics (v1 of the series): a subsystem is a directory of
 * attributes; CONFIGFS_ATTR(prefix, name) and the _RO/_WO forms bind
 * prefix##name##_show/_store. rmpsim_kernel_configfs_show/store(k,
 * "subsys/attr", ...) read or write an attribute from a kernel process, as a
 * read(2)/write(2) of the file would (show gets a PAGE_SIZE buffer).
 * Simplification (docs/kshim.md): no mkdir of child items (no group ops),
 * attributes of the subsystem's own group only.
 */
#ifndef _LINUX_CONFIGFS_H
#define _LINUX_CONFIGFS_H

#include <linux/container_of.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct module;
struct config_item;

struct configfs_attribute {
	const char *ca_name;
	struct module *ca_owner;
	unsigned short ca_mode;
	ssize_t (*show)(struct config_item *item, char *page);
	ssize_t (*store)(struct config_item *item, const char *page, size_t count);
};

struct config_item_type {
	struct module *ct_owner;
	struct configfs_attribute **ct_attrs;
};

struct config_item {
	char ci_namebuf[32];
	const struct config_item_type *ci_type;
};

struct config_group {
	struct config_item cg_item;
};

struct configfs_subsystem {
	struct config_group su_group;
	struct mutex su_mutex;
	/* private to the shim */
	struct configfs_subsystem *next;
};

static inline struct config_group *to_config_group(struct config_item *item)
{
	return item ? container_of(item, struct config_group, cg_item) : NULL;
}

void config_group_init(struct config_group *group);
void config_group_init_type_name(struct config_group *group, const char *name,
				 const struct config_item_type *type);
int configfs_register_subsystem(struct configfs_subsystem *subsys);
void configfs_unregister_subsystem(struct configfs_subsystem *subsys);

#define CONFIGFS_ATTR(_pfx, _name)                                                                           \
	static struct configfs_attribute _pfx##attr_##_name = {                                              \
		.ca_name = #_name,                                                                           \
		.ca_mode = 0644,                                                                             \
		.show = _pfx##_name##_show,                                                                  \
		.store = _pfx##_name##_store,                                                                \
	}
#define CONFIGFS_ATTR_RO(_pfx, _name)                                                                        \
	static struct configfs_attribute _pfx##attr_##_name = {                                              \
		.ca_name = #_name,                                                                           \
		.ca_mode = 0444,                                                                             \
		.show = _pfx##_name##_show,                                                                  \
	}
#define CONFIGFS_ATTR_WO(_pfx, _name)                                                                        \
	static struct configfs_attribute _pfx##attr_##_name = {                                              \
		.ca_name = #_name,                                                                           \
		.ca_mode = 0200,                                                                             \
		.store = _pfx##_name##_store,                                                                \
	}

#endif
