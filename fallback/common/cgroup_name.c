// SPDX-License-Identifier: BSD-2-Clause
/*
 * cgroup_name.c - names derived from a cgroup path alone, as `docker ps`, `crictl ps`,
 * `podman ps` and `systemctl status` show them: the innermost systemd unit (a segment ending
 * in .service or .scope), the innermost container (docker-<id>.scope or /docker/<id>,
 * cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope and its libpod-conmon-
 * monitor, and a bare id below a kubepods pod), and the Kubernetes pod uid (systemd's
 * kubepods-...-pod<uid>.slice with '_' for '-', or cgroupfs' pod<uid>).  Pure string work on
 * untrusted text: ids must be 64 lowercase hex digits, anything else is left alone.
 */
#include "fb_int.h"

#include <string.h>

#define CG_ID_LEN 64

struct cg_seg {
	const char *s;
	size_t n;
};

static bool seg_is(struct cg_seg g, const char *word)
{
	return g.n == strlen(word) && !memcmp(g.s, word, g.n);
}

static bool seg_starts(struct cg_seg g, const char *prefix)
{
	size_t n = strlen(prefix);

	return g.n >= n && !memcmp(g.s, prefix, n);
}

static bool seg_ends(struct cg_seg g, const char *suffix)
{
	size_t n = strlen(suffix);

	return g.n >= n && !memcmp(g.s + g.n - n, suffix, n);
}

static bool is_hex_id(const char *s, size_t n)
{
	if (n != CG_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static void set_container(struct fb_cgroup_name *out, const char *runtime, const char *id)
{
	fb__copy(out->runtime, sizeof(out->runtime), runtime);
	memcpy(out->id, id, CG_ID_LEN);
	out->id[CG_ID_LEN] = '\0';
}

/* "<prefix><64 hex>.scope" (or without .scope, as podman's cgroupfs manager names it). */
static bool scoped_id(struct cg_seg g, const char *prefix, bool scope_optional, const char **id)
{
	size_t p = strlen(prefix), n;

	if (!seg_starts(g, prefix))
		return false;
	n = g.n - p;
	if (seg_ends(g, ".scope"))
		n -= strlen(".scope");
	else if (!scope_optional)
		return false;
	*id = g.s + p;
	return is_hex_id(*id, n);
}

/* The pod uid of a kubepods segment into out->pod; false if it holds none. */
static bool pod_uid(struct cg_seg g, bool in_kubepods, struct fb_cgroup_name *out)
{
	const char *u;
	size_t n;

	if (seg_starts(g, "kubepods") && seg_ends(g, ".slice")) {
		/* kubepods-burstable-pod<uid>.slice: the last "-pod" */
		u = NULL;
		for (size_t i = 0; i + 4 <= g.n; i++) {
			if (!memcmp(g.s + i, "-pod", 4))
				u = g.s + i + 4;
		}
		if (!u)
			return false;
		n = (size_t)(g.s + g.n - strlen(".slice") - u);
	} else if (in_kubepods && seg_starts(g, "pod")) {
		u = g.s + 3;
		n = g.n - 3;
	} else {
		return false;
	}
	if (!n || n >= sizeof(out->pod))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = u[i] == '_' ? '-' : u[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
			return false;
	}
	for (size_t i = 0; i < n; i++)
		out->pod[i] = u[i] == '_' ? '-' : u[i];
	out->pod[n] = '\0';
	return true;
}

static void parse_segment(struct cg_seg g, struct cg_seg prev, bool *kube,
			  struct fb_cgroup_name *out)
{
	const char *id;

	if ((seg_ends(g, ".service") && g.n > strlen(".service")) ||
	    (seg_ends(g, ".scope") && g.n > strlen(".scope"))) {
		if (g.n < sizeof(out->unit)) {
			memcpy(out->unit, g.s, g.n);
			out->unit[g.n] = '\0';
		}
	}
	if (seg_starts(g, "kubepods"))
		*kube = true;
	pod_uid(g, *kube, out);
	/* the conmon prefixes first: they also start like the container's own */
	if (scoped_id(g, "libpod-conmon-", true, &id) || scoped_id(g, "crio-conmon-", false, &id))
		set_container(out, "conmon", id);
	else if (scoped_id(g, "docker-", false, &id))
		set_container(out, "docker", id);
	else if (scoped_id(g, "cri-containerd-", false, &id))
		set_container(out, "containerd", id);
	else if (scoped_id(g, "crio-", false, &id))
		set_container(out, "crio", id);
	else if (scoped_id(g, "libpod-", true, &id))
		set_container(out, "podman", id);
	else if (is_hex_id(g.s, g.n) && seg_is(prev, "docker"))
		set_container(out, "docker", g.s);
	else if (is_hex_id(g.s, g.n) && *kube)
		set_container(out, "cri", g.s);
}

void fb_cgroup_name_parse(const char *path, struct fb_cgroup_name *out)
{
	struct cg_seg prev = { "", 0 };
	bool kube = false;

	memset(out, 0, sizeof(*out));
	if (!path)
		return;
	for (const char *p = path; *p;) {
		struct cg_seg g = { p, strcspn(p, "/\n") };

		if (g.n && !seg_is(g, ".") && !seg_is(g, "..")) {
			parse_segment(g, prev, &kube, out);
			prev = g;
		}
		p += g.n;
		if (*p)
			p++;
	}
}

const char *fb_cgroup_name_container(const struct fb_cgroup_name *n, char *buf, size_t len)
{
	if (!len)
		return buf;
	buf[0] = '\0';
	if (n->runtime[0] && n->id[0])
		fb__fmt(buf, len, "%s:%.12s", n->runtime, n->id);
	return buf;
}
