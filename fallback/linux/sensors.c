// SPDX-License-Identifier: BSD-2-Clause
/*
 * sensors.c - sensors_temperatures(), sensors_fans() and sensors_battery() from sysfs, as
 * psutil reads them: hwmon chips (class/hwmon/hwmonN and their device/ subdirectory), with
 * temperatures in millidegrees and a missing high copied from critical and vice versa; the
 * thermal zones when hwmon has nothing; the first power_supply named BAT* or of type Battery.
 * A machine without sensors gets empty results, not errors.
 */
#include "../common/fb_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_i64_at(int dfd, const char *rel, int64_t *out)
{
	char buf[64];
	const char *p = buf;

	if (fb__read_at(dfd, rel, buf, sizeof(buf)) < 0)
		return -ENOENT;
	return fb__parse_i64(&p, out);
}

static int read_str_at(int dfd, const char *rel, char *buf, size_t len)
{
	ssize_t r = fb__read_at(dfd, rel, buf, len);

	if (r < 0)
		return (int)r;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int open_class_dir(const char *rel, DIR **out)
{
	int sys = fb__dirfd(FB_DIR_SYS), fd;

	if (sys < 0)
		return sys;
	fd = openat(sys, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*out = fdopendir(fd);
	if (!*out) {
		close(fd);
		return -errno;
	}
	return 0;
}

struct chip_visit {
	bool fans;
	void **v;
	size_t *cnt, cap;
};

/* Collect temp*_input or fan*_input of one hwmon directory (dfd). */
static int scan_chip(int dfd, const char *chip, struct chip_visit *cv)
{
	struct dirent *de;
	DIR *dir;
	int fd, err = 0;
	const char *pfx = cv->fans ? "fan" : "temp";
	size_t plen = strlen(pfx);

	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while ((de = readdir(dir))) {
		char base[64], rel[128], label[64] = "";
		const char *q = de->d_name + plen;
		uint64_t idx;
		int64_t val;

		if (strncmp(de->d_name, pfx, plen) || fb__parse_u64(&q, &idx) ||
		    strcmp(q, "_input"))
			continue;
		fb__fmt(base, sizeof(base), "%s%llu", pfx, (unsigned long long)idx);
		if (read_i64_at(dirfd(dir), de->d_name, &val))
			continue;
		fb__fmt(rel, sizeof(rel), "%s_label", base);
		read_str_at(dirfd(dir), rel, label, sizeof(label));
		if (cv->fans) {
			struct fb_fan *f;

			err = fb__grow(cv->v, &cv->cap, *cv->cnt + 1, sizeof(*f));
			if (err)
				break;
			f = (struct fb_fan *)*cv->v + (*cv->cnt)++;
			memset(f, 0, sizeof(*f));
			fb__copy(f->chip, sizeof(f->chip), chip);
			fb__copy(f->label, sizeof(f->label), label);
			f->current = (double)val;
		} else {
			struct fb_temp *t;
			int64_t hi, crit;

			err = fb__grow(cv->v, &cv->cap, *cv->cnt + 1, sizeof(*t));
			if (err)
				break;
			t = (struct fb_temp *)*cv->v + (*cv->cnt)++;
			memset(t, 0, sizeof(*t));
			fb__copy(t->chip, sizeof(t->chip), chip);
			fb__copy(t->label, sizeof(t->label), label);
			t->current = (double)val / 1000.0;
			fb__fmt(rel, sizeof(rel), "%s_max", base);
			if (!read_i64_at(dirfd(dir), rel, &hi)) {
				t->high = (double)hi / 1000.0;
				t->valid |= FB_TEMP_HIGH;
			}
			fb__fmt(rel, sizeof(rel), "%s_crit", base);
			if (!read_i64_at(dirfd(dir), rel, &crit)) {
				t->critical = (double)crit / 1000.0;
				t->valid |= FB_TEMP_CRITICAL;
			}
			/* psutil copies a missing high from critical and vice versa */
			if (!(t->valid & FB_TEMP_HIGH) && (t->valid & FB_TEMP_CRITICAL)) {
				t->high = t->critical;
				t->valid |= FB_TEMP_HIGH;
			} else if ((t->valid & FB_TEMP_HIGH) && !(t->valid & FB_TEMP_CRITICAL)) {
				t->critical = t->high;
				t->valid |= FB_TEMP_CRITICAL;
			}
		}
	}
	closedir(dir);
	return err;
}

static int scan_hwmon(struct chip_visit *cv)
{
	struct dirent *de;
	DIR *dir;
	int err = 0;

	if (open_class_dir("class/hwmon", &dir))
		return 0;
	while (!err && (de = readdir(dir))) {
		char chip[64] = "";
		int dfd, sub;

		if (strncmp(de->d_name, "hwmon", 5))
			continue;
		dfd = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (read_str_at(dfd, "name", chip, sizeof(chip)))
			read_str_at(dfd, "device/name", chip, sizeof(chip));
		err = scan_chip(dfd, chip, cv);
		/* older kernels (CentOS 6) keep the files under device/ */
		sub = openat(dfd, "device", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (!err && sub >= 0)
			err = scan_chip(sub, chip, cv);
		if (sub >= 0)
			close(sub);
		close(dfd);
	}
	closedir(dir);
	return err;
}

static int scan_thermal(struct fb_temp **v, size_t *cnt, size_t *cap)
{
	struct dirent *de;
	DIR *dir;
	int err = 0;

	if (open_class_dir("class/thermal", &dir))
		return 0;
	while ((de = readdir(dir))) {
		char type[64] = "", rel[96], ttype[32];
		struct fb_temp *t;
		int64_t val;
		int dfd;

		if (strncmp(de->d_name, "thermal_zone", 12))
			continue;
		dfd = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (read_i64_at(dfd, "temp", &val) ||
		    read_str_at(dfd, "type", type, sizeof(type))) {
			close(dfd);
			continue;
		}
		err = fb__grow((void **)v, cap, *cnt + 1, sizeof(**v));
		if (err) {
			close(dfd);
			break;
		}
		t = &(*v)[(*cnt)++];
		memset(t, 0, sizeof(*t));
		fb__copy(t->chip, sizeof(t->chip), type);
		t->current = (double)val / 1000.0;
		for (int k = 0; k < 32; k++) {
			int64_t tv;

			fb__fmt(rel, sizeof(rel), "trip_point_%d_type", k);
			if (read_str_at(dfd, rel, ttype, sizeof(ttype)))
				break;
			fb__fmt(rel, sizeof(rel), "trip_point_%d_temp", k);
			if (read_i64_at(dfd, rel, &tv))
				continue;
			if (!strcmp(ttype, "critical")) {
				t->critical = (double)tv / 1000.0;
				t->valid |= FB_TEMP_CRITICAL;
			} else if (!strcmp(ttype, "high")) {
				t->high = (double)tv / 1000.0;
				t->valid |= FB_TEMP_HIGH;
			}
		}
		close(dfd);
	}
	closedir(dir);
	return err;
}

int fb_sensors_temperatures(struct fb_temp **out, size_t *n)
{
	struct fb_temp *v = NULL;
	size_t cnt = 0;
	struct chip_visit cv = { .fans = false, .v = (void **)&v, .cnt = &cnt };
	int err;

	*out = NULL;
	*n = 0;
	err = scan_hwmon(&cv);
	if (!err && !cnt)
		err = scan_thermal(&v, &cnt, &cv.cap);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int fb_sensors_fans(struct fb_fan **out, size_t *n)
{
	struct fb_fan *v = NULL;
	size_t cnt = 0;
	struct chip_visit cv = { .fans = true, .v = (void **)&v, .cnt = &cnt };
	int err;

	*out = NULL;
	*n = 0;
	err = scan_hwmon(&cv);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int fb_sensors_battery(struct fb_battery *out)
{
	char bat[256] = "", rel[300], status[32] = "";
	int64_t now = -1, full = -1, power = -1, cap = -1, online = -1, tte = -1;
	struct dirent *de;
	DIR *dir;
	int dfd;

	memset(out, 0, sizeof(*out));
	out->power_plugged = -1;
	out->secsleft = FB_POWER_TIME_UNKNOWN;
	if (open_class_dir("class/power_supply", &dir))
		return 0;
	while ((de = readdir(dir))) {
		char type[32] = "";

		if (de->d_name[0] == '.')
			continue;
		fb__fmt(rel, sizeof(rel), "%s/type", de->d_name);
		read_str_at(dirfd(dir), rel, type, sizeof(type));
		if (!strncmp(de->d_name, "BAT", 3) || strcasestr(de->d_name, "battery") ||
		    !strcmp(type, "Battery")) {
			fb__copy(bat, sizeof(bat), de->d_name);
			break;
		}
	}
	if (!bat[0]) {
		closedir(dir);
		return 0; /* no battery: psutil None */
	}
	dfd = openat(dirfd(dir), bat, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (read_i64_at(dfd, "energy_now", &now) ||
		    read_i64_at(dfd, "energy_full", &full)) {
			now = full = -1;
			if (read_i64_at(dfd, "charge_now", &now) ||
			    read_i64_at(dfd, "charge_full", &full))
				now = full = -1;
		}
		if (read_i64_at(dfd, "power_now", &power))
			read_i64_at(dfd, "current_now", &power);
		read_i64_at(dfd, "capacity", &cap);
		read_i64_at(dfd, "time_to_empty_now", &tte);
		read_str_at(dfd, "status", status, sizeof(status));
		close(dfd);
	}
	if (full > 0 && now >= 0) {
		out->percent = 100.0 * (double)now / (double)full;
		if (out->percent > 100.0)
			out->percent = 100.0;
	} else if (cap >= 0) {
		out->percent = (double)cap;
	} else {
		closedir(dir);
		return 0;
	}
	out->present = true;
	if (!read_i64_at(dirfd(dir), "AC0/online", &online) ||
	    !read_i64_at(dirfd(dir), "AC/online", &online))
		out->power_plugged = online == 1;
	else if (!strcasecmp(status, "Discharging"))
		out->power_plugged = 0;
	else if (!strcasecmp(status, "Charging") || !strcasecmp(status, "Full"))
		out->power_plugged = 1;
	closedir(dir);
	if (out->power_plugged == 1)
		out->secsleft = FB_POWER_TIME_UNLIMITED;
	else if (now >= 0 && power > 0)
		out->secsleft = (long)((double)now / (double)power * 3600.0);
	else if (tte >= 0)
		out->secsleft = (long)(tte * 60);
	return 0;
}
