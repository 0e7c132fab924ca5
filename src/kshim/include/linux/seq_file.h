/* SPDX-License-Identifier: MIT */
/*
 * seq_file for debugfs show functions: seq_printf/seq_puts/seq_putc into a
 * buffer that grows (through kmalloc); single_open() and
 * DEFINE_SHOW_ATTRIBUTE(name) as Linux (name_show(m, v) with m->private =
 * the file's data). Only whole-file reads (rmpsim_kernel_debugfs_read).
 */
#ifndef _LINUX_SEQ_FILE_H
#define _LINUX_SEQ_FILE_H

#include <linux/types.h>

struct inode {
	void *i_private;
};
struct file {
	void *private_data;
};
struct seq_file {
	char *buf;
	size_t size, count;
	void *private;
	int (*show)(struct seq_file *m, void *v);
};
struct module;
struct file_operations {
	struct module *owner;
	int (*open)(struct inode *inode, struct file *file);
	int (*release)(struct inode *inode, struct file *file);
	long (*read)(struct file *file, char *buf, size_t size, long long *ppos);
	long long (*llseek)(struct file *file, long long off, int whence);
};

void seq_printf(struct seq_file *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
int single_open(struct file *file, int (*show)(struct seq_file *m, void *v), void *data);
int single_release(struct inode *inode, struct file *file);
long seq_read(struct file *file, char *buf, size_t size, long long *ppos);
long long seq_lseek(struct file *file, long long off, int whence);

#define DEFINE_SHOW_ATTRIBUTE(__name)                                                                        \
	static int __name##_open(struct inode *inode, struct file *file)                                     \
	{                                                                                                    \
		return single_open(file, __name##_show, inode->i_private);                                   \
	}                                                                                                    \
	static const struct file_operations __name##_fops = {                                                \
		.owner = NULL,                                                                               \
		.open = __name##_open,                                                                       \
		.read = seq_read,                                                                            \
		.llseek = seq_lseek,                                                                         \
		.release = single_release,                                                                   \
	}

#endif
