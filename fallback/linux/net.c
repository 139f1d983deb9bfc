// SPDX-License-Identifier: BSD-2-Clause
/*
 * net.c - net_io_counters() from /proc/net/dev: the interface name is split at the last ':'
 * (aliases such as "eth0:1" keep theirs), RX columns 1-4 and TX columns 9-12 are kept, and the
 * total sums every NIC including lo, after the nowrap adjustment, exactly as psutil.  Many
 * drivers keep 32-bit counters here, which is why nowrap exists.
 */
#include "../common/fb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fb__parse_net_dev_line(const char *line, struct fb_net_io *d)
{
	const char *colon = NULL, *p, *start, *eol;
	uint64_t v[16];
	size_t nlen;

	eol = strchr(line, '\n');
	if (!eol)
		eol = line + strlen(line);
	for (p = line; p < eol; p++)
		if (*p == ':')
			colon = p;
	if (!colon)
		return -EINVAL;
	start = fb__skip_ws(line);
	nlen = (size_t)(colon - start);
	if (!nlen || nlen >= sizeof(d->name))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	memcpy(d->name, start, nlen);
	p = colon + 1;
	for (int i = 0; i < 16; i++)
		if (fb__parse_u64(&p, &v[i]) || p > eol)
			return -EINVAL;
	d->bytes_recv = v[0];
	d->packets_recv = v[1];
	d->errin = v[2];
	d->dropin = v[3];
	d->bytes_sent = v[8];
	d->packets_sent = v[9];
	d->errout = v[10];
	d->dropout = v[11];
	return 0;
}

static void io_fields(struct fb_net_io *d, uint64_t *f[8])
{
	f[0] = &d->bytes_sent;
	f[1] = &d->bytes_recv;
	f[2] = &d->packets_sent;
	f[3] = &d->packets_recv;
	f[4] = &d->errin;
	f[5] = &d->errout;
	f[6] = &d->dropin;
	f[7] = &d->dropout;
}

int fb_net_io_counters(bool pernic, struct fb_nowrap *nw, struct fb_net_io **out, size_t *n)
{
	struct fb_net_io *v = NULL, tot = { .name = "" };
	size_t cnt = 0, cap = 0;
	char *text;
	const char *p;
	ssize_t r;
	int err = 0;

	*out = NULL;
	*n = 0;
	r = fb__read_alloc(FB_DIR_PROC, "net/dev", &text);
	if (r < 0)
		return (int)r;
	for (p = text; p; p = fb__next_line(p)) {
		struct fb_net_io d;
		uint64_t *df[8], *tf[8], raw[8];

		if (fb__parse_net_dev_line(p, &d))
			continue; /* the two header lines and anything malformed */
		io_fields(&d, df);
		if (nw) {
			for (int i = 0; i < 8; i++)
				raw[i] = *df[i];
			fb_nowrap__apply(nw, d.name, raw, 8);
			for (int i = 0; i < 8; i++)
				*df[i] = raw[i];
		}
		if (pernic) {
			err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
			if (err)
				goto free_text;
			v[cnt++] = d;
		} else {
			io_fields(&tot, tf);
			for (int i = 0; i < 8; i++)
				*tf[i] += *df[i];
			cnt++;
		}
	}
	if (nw)
		fb__nowrap_sweep(nw);
	if (!pernic && cnt) {
		v = malloc(sizeof(*v));
		if (!v) {
			err = -ENOMEM;
			goto free_text;
		}
		v[0] = tot;
		cnt = 1;
	}
	*out = v;
	*n = cnt;
	v = NULL;
free_text:
	free(v);
	free(text);
	return err;
}
