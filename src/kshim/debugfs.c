/* SPDX-License-Identifier: MIT */
/* debugfs and seq_file (<linux/debugfs.h>, <linux/seq_file.h>) for whole-file reads. */
#include <stdarg.h>
#include <string.h>

#include "kshim.h"

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

struct dentry {
	char name[64];
	struct dentry *parent, *children, *next;
	const struct file_operations *fops; /* NULL: a directory */
	void *data;
};

static struct dentry *root(struct rmpsim_kernel *k)
{
	if (!k->debugfs_root) {
		k->debugfs_root = rmpsim__k_alloc(sizeof(struct dentry));
		if (k->debugfs_root)
			*k->debugfs_root = (struct dentry){ .name = "" };
	}
	return k->debugfs_root;
}

static struct dentry *create(const char *name, struct dentry *parent, void *data,
			     const struct file_operations *fops)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!parent)
		parent = root(k);
	if (!parent || !name || !*name || strchr(name, '/') || strlen(name) >= sizeof(parent->name))
		return ERR_PTR(parent ? -EINVAL : -ENOMEM);
	for (struct dentry *d = parent->children; d; d = d->next)
		if (!strcmp(d->name, name))
			return ERR_PTR(-EEXIST);
	struct dentry *d = rmpsim__k_alloc(sizeof(*d));
	if (!d)
		return ERR_PTR(-ENOMEM);
	*d = (struct dentry){ .parent = parent, .fops = fops, .data = data, .next = parent->children };
	strcpy(d->name, name);
	parent->children = d;
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return create(name, parent, NULL, NULL);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode, struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	(void)mode;
	if (!fops)
		return ERR_PTR(-EINVAL);
	return create(name, parent, data, fops);
}

struct dentry *debugfs_lookup(const char *name, struct dentry *parent)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	if (!parent)
		parent = root(k);
	for (struct dentry *d = parent ? parent->children : NULL; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

void dput(struct dentry *dentry)
{
	(void)dentry; /* no reference counts */
}

static void free_tree(struct dentry *d)
{
	while (d->children) {
		struct dentry *c = d->children;
		d->children = c->next;
		free_tree(c);
	}
	rmpsim__k_free(d, sizeof(*d));
}

void debugfs_remove(struct dentry *d)
{
	if (IS_ERR_OR_NULL(d))
		return;
	if (d->parent) {
		struct dentry **pp = &d->parent->children;
		while (*pp && *pp != d)
			pp = &(*pp)->next;
		if (*pp)
			*pp = d->next;
	}
	free_tree(d);
}

void rmpsim__k_debugfs_destroy(struct rmpsim_kernel *k)
{
	if (k->debugfs_root)
		free_tree(k->debugfs_root);
	k->debugfs_root = NULL;
}

/* ---- seq_file ---- */

static void seq_append(struct seq_file *m, const char *s, size_t n)
{
	if (m->count + n + 1 > m->size) {
		size_t size = m->size ? m->size : 256;
		while (size < m->count + n + 1)
			size *= 2;
		char *b = krealloc(m->buf, size, GFP_KERNEL);
		if (!b)
			return; /* Linux retries with a bigger buffer; out of memory truncates here */
		m->buf = b;
		m->size = size;
	}
	memcpy(m->buf + m->count, s, n);
	m->count += n;
	m->buf[m->count] = '\0';
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	char small[256];
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = rmpsim__k_vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small)) {
		seq_append(m, small, (size_t)n);
	} else {
		char *big = kmalloc((size_t)n + 1, GFP_KERNEL);
		if (big) {
			rmpsim__k_vsnprintf(big, (size_t)n + 1, fmt, ap2);
			seq_append(m, big, (size_t)n);
			kfree(big);
		}
	}
	va_end(ap2);
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_append(m, s, strlen(s));
}

void seq_putc(struct seq_file *m, char c)
{
	seq_append(m, &c, 1);
}

int single_open(struct file *file, int (*show)(struct seq_file *m, void *v), void *data)
{
	struct seq_file *m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->private = data;
	m->show = show;
	file->private_data = m;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	(void)inode;
	struct seq_file *m = file->private_data;
	if (m) {
		kfree(m->buf);
		kfree(m);
	}
	file->private_data = NULL;
	return 0;
}

/* The whole text on the first read (show() runs then), nothing after. */
long seq_read(struct file *file, char *buf, size_t size, long long *ppos)
{
	struct seq_file *m = file->private_data;
	if (!m)
		return -EINVAL;
	if (*ppos == 0) {
		m->count = 0;
		int err = m->show(m, m->private);
		if (err)
			return err;
	}
	if ((size_t)*ppos >= m->count)
		return 0;
	size_t n = m->count - (size_t)*ppos;
	if (n > size)
		n = size;
	memcpy(buf, m->buf + *ppos, n);
	*ppos += (long long)n;
	return (long)n;
}

long long seq_lseek(struct file *file, long long off, int whence)
{
	(void)file;
	(void)whence;
	return off;
}

long rmpsim_kernel_debugfs_read(struct rmpsim_kernel *k, const char *path, char *buf, size_t size)
{
	struct dentry *d = root(k);
	char part[64];
	if (!d || !size)
		return -EINVAL;
	while (*path) { /* walk "dir/dir/file" */
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);
		if (n == 0 || n >= sizeof(part))
			return -ENOENT;
		memcpy(part, path, n);
		part[n] = '\0';
		d = debugfs_lookup(part, d);
		if (!d)
			return -ENOENT;
		path += n + (slash ? 1 : 0);
	}
	if (!d->fops)
		return -EISDIR;
	struct inode inode = { .i_private = d->data };
	struct file file = { NULL };
	if (d->fops->open) {
		int err = d->fops->open(&inode, &file);
		if (err)
			return err;
	}
	long long pos = 0;
	long total = 0, n = 0;
	while (d->fops->read && (size_t)total < size - 1 &&
	       (n = d->fops->read(&file, buf + total, size - 1 - (size_t)total, &pos)) > 0)
		total += n;
	buf[total] = '\0';
	if (d->fops->release)
		d->fops->release(&inode, &file);
	return n < 0 ? n : total;
}
