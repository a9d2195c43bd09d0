// SPDX-License-Identifier: MIT
/* container_of_path (src/container.c): each runtime's and driver's cgroup names, lookalikes,
 * nesting, and container_id_in_name, which --container matches against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "container.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ID1  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2  "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define UID  "1f2e3d4c-5b6a-4978-8a1b-2c3d4e5f6a7b"
#define UID_ "1f2e3d4c_5b6a_4978_8a1b_2c3d4e5f6a7b"

struct row {
	const char *path, *id, *pod; /* "" is null */
};

static const struct row rows[] = {
    /* Docker: cgroupfs driver, systemd driver */
    {"/docker/" ID1, ID1, ""},
    {"/system.slice/docker-" ID1 ".scope", ID1, ""},
    /* containerd outside Kubernetes (nerdctl, ctr): cgroupfs namespace directory */
    {"/default/" ID1, ID1, ""},
    /* Kubernetes with containerd: cgroupfs, systemd; each QoS class */
    {"/kubepods/besteffort/pod" UID "/" ID1, ID1, UID},
    {"/kubepods/burstable/pod" UID "/" ID1, ID1, UID},
    {"/kubepods/pod" UID "/" ID1, ID1, UID},
    {"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
     ".slice/cri-containerd-" ID1 ".scope",
     ID1, UID},
    {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
     ".slice/cri-containerd-" ID1 ".scope",
     ID1, UID},
    {"/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID1 ".scope", ID1, UID},
    /* CRI-O: systemd, cgroupfs; its monitor is not the container */
    {"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/crio-" ID1
     ".scope",
     ID1, UID},
    {"/kubepods/besteffort/pod" UID "/crio-" ID1, ID1, UID},
    {"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
     ".slice/crio-conmon-" ID1 ".scope",
     "", UID},
    /* podman: systemd (root, rootless), cgroupfs, the init's "container" child, conmon */
    {"/machine.slice/libpod-" ID1 ".scope", ID1, ""},
    {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID1 ".scope", ID1, ""},
    {"/libpod_parent/libpod-" ID1, ID1, ""},
    {"/machine.slice/libpod-" ID1 ".scope/container", ID1, ""},
    {"/machine.slice/libpod-conmon-" ID1 ".scope", "", ""},
    /* a pod's own cgroup, no container */
    {"/kubepods/besteffort/pod" UID, "", UID},
    {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice", "", UID},
    /* nested: Docker in Docker, kind's node running a pod: the innermost */
    {"/docker/" ID2 "/docker/" ID1, ID1, ""},
    {"/system.slice/docker-" ID2 ".scope/kubelet.slice/kubelet-kubepods.slice/"
     "kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" UID_
     ".slice/cri-containerd-" ID1 ".scope",
     ID1, UID},
    {"/docker/" ID2 "/kubepods/besteffort/pod" UID "/" ID1, ID1, UID},
    /* no container */
    {"", "", ""},
    {"/", "", ""},
    {"/user.slice/user-1000.slice/session-3.scope", "", ""},
    {"/system.slice/docker.service", "", ""},
    {"/system.slice/containerd.service", "", ""},
    /* lookalikes: short, long, not hex, upper case, another prefix, other separators */
    {"/system.slice/docker-xyz.scope", "", ""},
    {"/system.slice/docker-0123456789ab.scope", "", ""},
    {"/system.slice/docker-" ID1 "0.scope", "", ""},
    {"/system.slice/docker-" ID1 ".scopex", "", ""},
    {"/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg.scope",
     "", ""},
    {"/system.slice/docker-0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF.scope",
     "", ""},
    {"/system.slice/mydocker-" ID1 ".scope", "", ""},
    {"/system.slice/docker_" ID1 ".scope", "", ""},
    {"/docker/" ID1 "x", "", ""},
    {"/docker/x" ID1, "", ""},
    {"/pod" UID "/x", "", ""},				   /* pod<UID> outside kubepods */
    {"/kubepods/besteffort/pod" UID_, "", ""},		   /* cgroupfs with systemd's separators */
    {"/kubepods.slice/kubepods-pod" UID ".slice", "", ""}, /* systemd with dashes */
    {"/kubepods/besteffort/pod1f2e3d4c-5b6a-4978-8a1b-2c3d4e5f6a7", "", ""},
    {"/kubepods/besteffort/pod1f2e3d4c-5b6a-4978-8a1b2-c3d4e5f6a7b", "", ""},
    {"/user.slice/my-pod" UID_ ".slice", "", ""},
    {"/kubepods.slice/kubepods-besteffort-pod" UID_ ".scope", "", ""},
    /* doubled slashes, a trailing one */
    {"//docker//" ID1 "/", ID1, ""},
};

static void test_paths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char id[CONTAINER_ID_LEN + 1], pod[POD_UID_LEN + 1];
		int have = container_of_path(rows[i].path, strlen(rows[i].path), id, pod);

		if (strcmp(id, rows[i].id) || strcmp(pod, rows[i].pod))
			fprintf(stderr, "row %zu: %s: id '%s' pod '%s'\n", i, rows[i].path, id,
				pod);
		assert_string_equal(id, rows[i].id);
		assert_string_equal(pod, rows[i].pod);
		assert_int_equal(have, (id[0] ? CONTAINER_HAVE_ID : 0) |
					   (pod[0] ? CONTAINER_HAVE_POD : 0));
	}
}

/* The length is the path's end: nothing past it is read, and a cut id is no id. */
static void test_length(void **state)
{
	const char *p = "/docker/" ID1 "/docker/" ID2;
	char id[CONTAINER_ID_LEN + 1], pod[POD_UID_LEN + 1];

	(void)state;
	assert_int_equal(container_of_path(p, 8 + 64, id, pod), CONTAINER_HAVE_ID);
	assert_string_equal(id, ID1);
	assert_int_equal(container_of_path(p, 8 + 63, id, pod), 0);
	assert_string_equal(id, "");
	assert_int_equal(container_of_path(p, strlen(p), id, pod), CONTAINER_HAVE_ID);
	assert_string_equal(id, ID2);
	assert_int_equal(container_of_path("/docker/x", 0, id, pod), 0);
}

static void test_names(void **state)
{
	static const char *const yes[] = {ID1,
					  "docker-" ID1 ".scope",
					  "cri-containerd-" ID1 ".scope",
					  "crio-" ID1 ".scope",
					  "crio-" ID1,
					  "libpod-" ID1 ".scope",
					  "libpod-" ID1};
	static const char *const no[] = {"",
					 ".scope",
					 "docker-" ID1 ".slice",
					 "crio-conmon-" ID1 ".scope",
					 "docker-abc.scope",
					 ID1 ".scope.scope",
					 "podman-" ID1 ".scope"};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		const char *x = container_id_in_name(yes[i], strlen(yes[i]));

		assert_non_null(x);
		assert_memory_equal(x, ID1, CONTAINER_ID_LEN);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_null(container_id_in_name(no[i], strlen(no[i])));
}

/* The v1 fallback on a process that does not exist, and on ourselves (no container here
 * unless the tests run in one: then the id is 64 hex digits). */
static void test_v1(void **state)
{
	char id[CONTAINER_ID_LEN + 1], pod[POD_UID_LEN + 1];
	int have;

	(void)state;
	assert_int_equal(container_of_pid_v1(4294967295u, id, pod), 0);
	assert_string_equal(id, "");
	have = container_of_pid_v1(1, id, pod);
	assert_true(!(have & CONTAINER_HAVE_ID) || strlen(id) == CONTAINER_ID_LEN);
}

/* /proc/cgroups: flat while the v1 pids and cpu hierarchies hold their root alone (the others
 * and controllers on cgroup2, hierarchy 0, do not count); not a /proc/cgroups: not flat. */
static void test_v1_flat(void **state)
{
	static const struct {
		const char *text;
		bool flat;
	} flat_rows[] = {
	    {"#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\nmemory\t4\t55\t1\n"
	     "pids\t8\t1\t1\n",
	     true},
	    {"#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\npids\t8\t12\t1\n",
	     false},
	    {"#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t3\t2\t1\npids\t8\t1\t1", false},
	    {"#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t0\t90\t1\ncpu\t0\t90\t1\n"
	     "pids\t0\t90\t1\n",
	     true},
	    {"#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuacct\t2\t9\t1\n", true},
	    {"cpu\t1\t1\t1\n", false},
	    {"", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(flat_rows) / sizeof(flat_rows[0]); i++)
		assert_int_equal(container_v1_flat_in(flat_rows[i].text), flat_rows[i].flat);
}

/* --container's list: ids and prefixes of lowercase hex; a name matches by its id's start. */
static void test_filter(void **state)
{
	struct ctr_filter f = {0};
	char err[160];
	static const char *const bad[] = {"",	  "0123,", ",0123",   "01g3",
					  "ABCD", ID1 "0", "0123,,fe"};

	(void)state;
	assert_int_equal(ctr_filter_add(&f, "0123,fedc", err, sizeof(err)), 0);
	assert_int_equal(f.n, 2);
	assert_true(f.on);
	assert_true(ctr_name_match(&f, "docker-" ID1 ".scope", strlen("docker-" ID1 ".scope")));
	assert_true(ctr_name_match(&f, ID2, strlen(ID2)));
	assert_false(
	    ctr_name_match(&f, "crio-conmon-" ID1 ".scope", strlen("crio-conmon-" ID1 ".scope")));
	assert_false(ctr_name_match(&f, "0123.scope", 10));
	f.n = 1; /* "0123" only */
	assert_false(ctr_name_match(&f, ID2, strlen(ID2)));
	f.any = true;
	assert_true(ctr_name_match(&f, ID2, strlen(ID2)));
	assert_false(ctr_name_match(&f, "docker-xyz.scope", 16));
	assert_int_equal(ctr_filter_add(&f, ID1, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ctr_filter g = {0};

		assert_int_equal(ctr_filter_add(&g, bad[i], err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "not a container id"));
	}
	/* ids at most new_above were decided in the kernel */
	f.new_above = 100;
	assert_true(ctr_filter_match(&f, 5, NULL, 0));
	/* a newer one by the path the kernel read at the exec (only len bytes of it) */
	{
		struct ctr_filter g = {.new_above = 100};
		const char *p = "/system.slice/docker-" ID1 ".scope/x";

		assert_int_equal(ctr_filter_add(&g, "0123", err, sizeof(err)), 0);
		assert_true(ctr_filter_match(&g, 200, p, strlen(p)));
		assert_true(
		    ctr_filter_match(&g, 200, "\xe2\x80\xa6/" ID1, strlen("\xe2\x80\xa6/" ID1)));
		assert_false(ctr_filter_match(&g, 200, p, strlen("/system.slice/docker-")));
		assert_false(ctr_filter_match(&g, 200, "/user.slice", 11));
		assert_false(ctr_filter_match(&g, 200, "", 0));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paths),   cmocka_unit_test(test_length),
	    cmocka_unit_test(test_names),   cmocka_unit_test(test_v1),
	    cmocka_unit_test(test_v1_flat), cmocka_unit_test(test_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
