// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diff_dl.c: the libraries `vigil diff` and `vigil baseline` use, loaded on first use instead
 * of at exec (no other command may pay for them): libgit2 for text diffs (git's xdiff) and
 * OpenSSL's libcrypto for SHA-256 (Jansson, which reads snapshots and baselines, is in
 * dl/jansson_dl.c, shared with the fleet).
 * Each function the diff/ files call is defined here under its own name with the library's
 * prototype and forwards to what dlsym() finds; a library that cannot be loaded makes the
 * call fail as the library reports failure (a negative git error, NULL, 0), after one
 * message naming the missing library (diff_dl_missing() tells the command which).
 */
#include <dlfcn.h>
#include <stddef.h>
#include <git2.h>
#include <openssl/evp.h>

#include "core/log.h"
#include "diff/diff_dl.h"

#define GIT_SONAME    "libgit2.so.1.5"
#define CRYPTO_SONAME "libcrypto.so.3"

enum { DL_GIT, DL_CRYPTO, DL_N };

static const char *const dl_sonames[DL_N] = { GIT_SONAME, CRYPTO_SONAME };
static const char *const dl_packages[DL_N] = { "libgit2-1.5", "libssl3" };
static const char *dl_missing;

/* name in library lib (loaded once, never closed), or NULL after saying why once. */
static void *diff_dl_sym(int lib, const char *name)
{
	static void *libs[DL_N];
	static int tried[DL_N];
	void *sym;

	if (!libs[lib] && !tried[lib]) {
		tried[lib] = 1;
		libs[lib] = dlopen(dl_sonames[lib], RTLD_NOW | RTLD_LOCAL);
		if (!libs[lib]) {
			pr_err("%s: %s (install %s)", dl_sonames[lib], dlerror(), dl_packages[lib]);
			dl_missing = dl_sonames[lib];
			return NULL;
		}
		if (lib == DL_GIT) {
			__typeof__(&git_libgit2_init) init = dlsym(libs[lib], "git_libgit2_init");

			if (init)
				init();
		}
	}
	if (!libs[lib])
		return NULL;
	sym = dlsym(libs[lib], name);
	if (!sym) {
		pr_err("%s: %s", dl_sonames[lib], dlerror());
		dl_missing = dl_sonames[lib];
	}
	return sym;
}

const char *diff_dl_missing(void)
{
	return dl_missing;
}

/* The symbol, looked up once per function (some are called per line or per block). */
#define DL_FN(lib, name)                                                                           \
	({                                                                                         \
		static __typeof__(&name) fn_;                                                      \
		if (!fn_)                                                                          \
			fn_ = (__typeof__(&name))diff_dl_sym(lib, #name);                          \
		fn_;                                                                               \
	})
#define GIT(name)    DL_FN(DL_GIT, name)
#define CRYPTO(name) DL_FN(DL_CRYPTO, name)

/* libgit2 */

int git_patch_from_buffers(git_patch **out, const void *old_buffer, size_t old_len,
			   const char *old_as_path, const void *new_buffer, size_t new_len,
			   const char *new_as_path, const git_diff_options *opts)
{
	__typeof__(&git_patch_from_buffers) fn = GIT(git_patch_from_buffers);

	*out = NULL;
	return fn ? fn(out, old_buffer, old_len, old_as_path, new_buffer, new_len, new_as_path,
		       opts)
		  : GIT_ERROR;
}

void git_patch_free(git_patch *patch)
{
	__typeof__(&git_patch_free) fn = GIT(git_patch_free);

	if (fn)
		fn(patch);
}

const git_diff_delta *git_patch_get_delta(const git_patch *patch)
{
	__typeof__(&git_patch_get_delta) fn = GIT(git_patch_get_delta);

	return fn ? fn(patch) : NULL;
}

size_t git_patch_num_hunks(const git_patch *patch)
{
	__typeof__(&git_patch_num_hunks) fn = GIT(git_patch_num_hunks);

	return fn ? fn(patch) : 0;
}

int git_patch_get_hunk(const git_diff_hunk **out, size_t *lines_in_hunk, git_patch *patch,
		       size_t hunk_idx)
{
	__typeof__(&git_patch_get_hunk) fn = GIT(git_patch_get_hunk);

	return fn ? fn(out, lines_in_hunk, patch, hunk_idx) : GIT_ERROR;
}

int git_patch_get_line_in_hunk(const git_diff_line **out, git_patch *patch, size_t hunk_idx,
			       size_t line_of_hunk)
{
	__typeof__(&git_patch_get_line_in_hunk) fn = GIT(git_patch_get_line_in_hunk);

	return fn ? fn(out, patch, hunk_idx, line_of_hunk) : GIT_ERROR;
}

const git_error *git_error_last(void)
{
	__typeof__(&git_error_last) fn = GIT(git_error_last);

	return fn ? fn() : NULL;
}

/* libcrypto */

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	__typeof__(&EVP_MD_CTX_new) fn = CRYPTO(EVP_MD_CTX_new);

	return fn ? fn() : NULL;
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	__typeof__(&EVP_MD_CTX_free) fn = CRYPTO(EVP_MD_CTX_free);

	if (fn)
		fn(ctx);
}

const EVP_MD *EVP_sha256(void)
{
	__typeof__(&EVP_sha256) fn = CRYPTO(EVP_sha256);

	return fn ? fn() : NULL;
}

int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	__typeof__(&EVP_DigestInit_ex) fn = CRYPTO(EVP_DigestInit_ex);

	return fn ? fn(ctx, type, impl) : 0;
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	__typeof__(&EVP_DigestUpdate) fn = CRYPTO(EVP_DigestUpdate);

	return fn ? fn(ctx, d, cnt) : 0;
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	__typeof__(&EVP_DigestFinal_ex) fn = CRYPTO(EVP_DigestFinal_ex);

	return fn ? fn(ctx, md, s) : 0;
}
