/* SPDX-License-Identifier: MIT */
/*
 * debugfs: a tree of directories and files in the simulated kernel; a file
 * is read whole with rmpsim_kernel_debugfs_read(k, "dir/file", ...) from a
 * kernel process (its open/show/release run there, in process context).
 * Creation never fails for lack of a real filesystem; errors are ERR_PTRs.
 */
#ifndef _LINUX_DEBUGFS_H
#define _LINUX_DEBUGFS_H

#include <linux/err.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct dentry;
typedef unsigned short umode_t;

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode, struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove(struct dentry *dentry);
#define debugfs_remove_recursive(d) debugfs_remove(d)
struct dentry *debugfs_lookup(const char *name, struct dentry *parent);
void dput(struct dentry *dentry);

#endif
