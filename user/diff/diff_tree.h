/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diff_tree.h: two directory trees compared as Python's filecmp.dircmp does, recursively:
 * each name of a directory is left only, right only or common; a common name is a common
 * directory (descended into), a common file (identical or differing, by filecmp.cmp's rule),
 * common_funny (types differ, or either side cannot be stat'ed) or an error (a common file
 * that could not be read: filecmp's funny_files). Symbolic links are followed, as os.stat
 * does; a directory that leads back to one of its ancestors (a symlink loop) and a directory
 * that cannot be listed are reported as errors (no filecmp category: dircmp raises, or
 * recurses until the path is too long) and the walk goes on.
 */
#ifndef VIGIL_DIFF_TREE_H
#define VIGIL_DIFF_TREE_H

#include <stdbool.h>
#include <sys/stat.h>

enum tree_cat {
	TREE_LEFT_ONLY,
	TREE_RIGHT_ONLY,
	TREE_SAME,	 /* filecmp's same_files */
	TREE_DIFF,	 /* diff_files */
	TREE_FUNNY,	 /* common_funny */
	TREE_ERROR,	 /* funny_files: a common file that could not be read */
	TREE_COMMON_DIR, /* common_dirs */
	TREE_DIR_ERROR,	 /* errors: a directory not listed or not entered (a loop) */
	TREE_NCATS,
};

/* filecmp's attribute name of each category: "left_only", ... "common_dirs"; "errors". */
extern const char *const tree_cat_names[TREE_NCATS];

struct tree_entry {
	enum tree_cat cat;
	const char *path;	      /* relative to both roots; raw bytes */
	const char *name;	      /* its last component, in the directories ldir and rdir */
	int ldir, rdir;		      /* directory fds holding name on each side (-1: none) */
	const struct stat *lst, *rst; /* the stat of each side, when it has one (followed) */
	int err;		      /* TREE_*ERROR, TREE_FUNNY: the errno behind it, or 0 */
	const char *why; /* TREE_*ERROR: what failed ("read", "list", "symlink loop") */
};

/* filecmp.DEFAULT_IGNORES: the names dircmp skips unless told otherwise */
#define TREE_IGNORE_DEFAULT "RCS,CVS,tags,.git,.hg,.bzr,_darcs,__pycache__"

struct tree_opts {
	bool deep;	    /* compare every common file's content (filecmp shallow=False) */
	const char *ignore; /* names skipped on both sides, comma-separated (dircmp's ignore) */
};

/* The walk's calls; 0 to go on, or a negative errno to stop the walk with. */
typedef int (*tree_cb)(void *ctx, const struct tree_entry *e);

/*
 * Compare the trees at left and right, calling cb for every entry, a directory's entries
 * in name order before its subdirectories'. 0, -errno when a root cannot be opened (or cb's
 * error).
 */
int tree_compare(const char *left, const char *right, const struct tree_opts *o, tree_cb cb,
		 void *ctx);

/* filecmp.cmp(a, b, shallow=!deep) on files ldir/name and rdir/name with stats ls and rs:
 * 1 same, 0 different, -errno when one could not be read. */
int tree_cmp_files(int ldir, int rdir, const char *name, const struct stat *ls,
		   const struct stat *rs, bool deep);

#endif /* VIGIL_DIFF_TREE_H */
