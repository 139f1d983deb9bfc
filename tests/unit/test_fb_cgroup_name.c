// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_cgroup_name.c - the names vigil derives from cgroup paths: a table of paths as
 * systemd, docker (systemd and cgroupfs drivers), containerd and CRI-O under Kubernetes, and
 * podman (with its conmon) really create them, then hostile ones (escapes, "..", a segment
 * longer than any field, ids of the wrong length or case, embedded newlines); and which
 * path of /proc/PID/cgroup is chosen on unified, hybrid and v1-only layouts.
 */
#include "fb_test.h"

#include <sys/stat.h>

#define ID_A "3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e2f4b6d8a0c2e4f6a8b0d2c4e6f8a0b2c4d"
#define ID_B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct cg_case {
	const char *path, *unit, *container, *pod;
};

static const struct cg_case cases[] = {
	{ "/", "", "", "" },
	{ "/init.scope", "init.scope", "", "" },
	{ "/system.slice/nginx.service", "nginx.service", "", "" },
	{ "/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1.service", "", "" },
	{ "/user.slice/user-1000.slice/session-2.scope", "session-2.scope", "", "" },
	{ "/user.slice/user-0.slice/user@0.service/app.slice/app-gnome-foo-123.scope",
	  "app-gnome-foo-123.scope", "", "" },
	{ "/user.slice/user-0.slice/user@0.service", "user@0.service", "", "" },
	{ "/system.slice/docker-" ID_A ".scope", "docker-" ID_A ".scope", "docker:3f1c9a7e5b2d",
	  "" },
	{ "/docker/" ID_A, "", "docker:3f1c9a7e5b2d", "" },
	/* docker in docker: the innermost wins */
	{ "/docker/" ID_A "/docker/" ID_B, "", "docker:0123456789ab", "" },
	{ "/system.slice/containerd.service", "containerd.service", "", "" },
	{ "/kubepods.slice/kubepods-burstable.slice/"
	  "kubepods-burstable-pod1f2e3d4c_5b6a_7980_a1b2_c3d4e5f6a7b8.slice/cri-containerd-" ID_A
	  ".scope",
	  "cri-containerd-" ID_A ".scope", "containerd:3f1c9a7e5b2d",
	  "1f2e3d4c-5b6a-7980-a1b2-c3d4e5f6a7b8" },
	{ "/kubepods.slice/kubepods-pod0a1b2c3d_0000_1111_2222_333344445555.slice/crio-" ID_B
	  ".scope",
	  "crio-" ID_B ".scope", "crio:0123456789ab", "0a1b2c3d-0000-1111-2222-333344445555" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podabc.slice/"
	  "crio-conmon-" ID_B ".scope",
	  "crio-conmon-" ID_B ".scope", "conmon:0123456789ab", "abc" },
	{ "/kubepods/burstable/pod1f2e3d4c-5b6a-7980-a1b2-c3d4e5f6a7b8/" ID_A, "",
	  "cri:3f1c9a7e5b2d", "1f2e3d4c-5b6a-7980-a1b2-c3d4e5f6a7b8" },
	{ "/machine.slice/libpod-" ID_A ".scope", "libpod-" ID_A ".scope", "podman:3f1c9a7e5b2d",
	  "" },
	{ "/machine.slice/libpod-" ID_A ".scope/container", "libpod-" ID_A ".scope",
	  "podman:3f1c9a7e5b2d", "" },
	{ "/machine.slice/libpod-conmon-" ID_A ".scope", "libpod-conmon-" ID_A ".scope",
	  "conmon:3f1c9a7e5b2d", "" },
	{ "/libpod_parent/libpod-" ID_B, "", "podman:0123456789ab", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID_B ".scope",
	  "libpod-" ID_B ".scope", "podman:0123456789ab", "" },
	/* hostile */
	{ "/system.slice/foo\\x2dbar.service", "foo\\x2dbar.service", "", "" },
	{ "/system.slice/../docker-" ID_A ".scope/./x", "docker-" ID_A ".scope",
	  "docker:3f1c9a7e5b2d", "" },
	{ "/system.slice/docker-" ID_A "0.scope", "docker-" ID_A "0.scope", "", "" },
	{ "/system.slice/docker-"
	  "3F1C9A7E5B2D4C6A8E0F1B3D5C7A9E2F4B6D8A0C2E4F6A8B0D2C4E6F8A0B2C4D.scope",
	  "docker-3F1C9A7E5B2D4C6A8E0F1B3D5C7A9E2F4B6D8A0C2E4F6A8B0D2C4E6F8A0B2C4D.scope", "", "" },
	{ "/system.slice/docker-" ID_A, "", "", "" },
	{ "/docker/" ID_A "x", "", "", "" },
	{ "/" ID_A, "", "", "" },
	{ ".service/.scope", "", "", "" },
	{ "//docker//" ID_A "//", "", "docker:3f1c9a7e5b2d", "" },
	{ "/docker\n" ID_A, "", "docker:3f1c9a7e5b2d", "" },
	{ "/kubepods-pod.slice/kubepods-podZZ.slice", "", "", "" },
	{ "/kubepods-pod12.slice/kubepods-podabZZ.slice", "", "", "12" },
	{ "", "", "", "" },
};

static void test_real_world_and_hostile_paths(void **state)
{
	struct fb_cgroup_name n;
	char c[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fb_cgroup_name_parse(cases[i].path, &n);
		if (strcmp(n.unit, cases[i].unit) ||
		    strcmp(fb_cgroup_name_container(&n, c, sizeof(c)), cases[i].container) ||
		    strcmp(n.pod, cases[i].pod))
			fail_msg("%s: unit '%s' container '%s' pod '%s'", cases[i].path, n.unit, c,
				 n.pod);
	}
	fb_cgroup_name_parse(NULL, &n);
	assert_string_equal(n.unit, "");
}

static void test_full_id_and_small_buffers(void **state)
{
	struct fb_cgroup_name n;
	char c[8];

	(void)state;
	fb_cgroup_name_parse("/system.slice/docker-" ID_A ".scope", &n);
	assert_string_equal(n.id, ID_A);
	assert_string_equal(n.runtime, "docker");
	assert_string_equal(fb_cgroup_name_container(&n, c, sizeof(c)), "docker:");
	assert_ptr_equal(fb_cgroup_name_container(&n, c, 0), c);
}

static void test_overlong_segment_is_skipped_not_truncated(void **state)
{
	struct fb_cgroup_name n;
	char path[2048];
	size_t len;

	(void)state;
	strcpy(path, "/system.slice/ok.service/");
	len = strlen(path);
	memset(path + len, 'a', 1500);
	strcpy(path + len + 1500, ".service");
	fb_cgroup_name_parse(path, &n);
	assert_string_equal(n.unit, "ok.service");
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_path_choice_by_layout(void **state)
{
	char root[] = "/tmp/vigil-cgname-XXXXXX", d[PATH_MAX], buf[256];

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(d, sizeof(d), "%s/proc", root);
	mkdir(d, 0755);
	for (int pid = 10; pid <= 13; pid++) {
		snprintf(d, sizeof(d), "%s/proc/%d", root, pid);
		mkdir(d, 0755);
	}
	write_file(root, "proc/10/cgroup", "0::/system.slice/nginx.service\n");
	write_file(root, "proc/11/cgroup",
		   "9:name=systemd:/system.slice/docker-" ID_A ".scope\n"
		   "4:memory:/process_api/x\n0::/\n");
	write_file(root, "proc/12/cgroup", "4:memory:/x\n1:name=systemd:/user.slice\n");
	write_file(root, "proc/13/cgroup", "4:memory:/x\n0::/\n1:name=systemd:/\n");
	assert_int_equal(fb_root_set(root), 0);
	assert_int_equal(fb_cgroup_path(10, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/system.slice/nginx.service");
	assert_int_equal(fb_cgroup_path(11, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/system.slice/docker-" ID_A ".scope");
	assert_int_equal(fb_cgroup_path(12, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/user.slice");
	assert_int_equal(fb_cgroup_path(13, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(fb_cgroup_path(14, buf, sizeof(buf)), -ENOENT);
	fb_root_set(NULL);
	for (int pid = 10; pid <= 13; pid++) {
		snprintf(d, sizeof(d), "%s/proc/%d/cgroup", root, pid);
		unlink(d);
		snprintf(d, sizeof(d), "%s/proc/%d", root, pid);
		rmdir(d);
	}
	snprintf(d, sizeof(d), "%s/proc", root);
	rmdir(d);
	rmdir(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_world_and_hostile_paths),
		cmocka_unit_test(test_full_id_and_small_buffers),
		cmocka_unit_test(test_overlong_segment_is_skipped_not_truncated),
		cmocka_unit_test(test_path_choice_by_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
