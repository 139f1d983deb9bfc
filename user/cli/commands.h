/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * commands.h: vigil's subcommands. Each takes the arguments after its name (argv[0] is the
 * command name) and returns the process exit status: 0 success, 1 a runtime failure
 * (already reported), 2 bad usage (already reported).
 */
#ifndef VIGIL_COMMANDS_H
#define VIGIL_COMMANDS_H

#define EXIT_USAGE 2

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

/*
 * The commands built on the tracer (libbpf, the BPF skeletons, libmicrohttpd), a module of
 * the build: commands_tracer.c, or in a build without it (Windows) commands_none.c, whose
 * entries have the same names and say that they are not available here. NULL-terminated.
 */
extern const struct command tracer_commands[];

/* `vigil` with no command or an unknown one: the main job, or the usage where there is none. */
int cmd_default(int argc, char **argv);

int cmd_run(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_hist(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_profile(int argc, char **argv);
/* The fallback library's psutil-style commands. */
int cmd_snapshot(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_proc(int argc, char **argv);
int cmd_pidof(int argc, char **argv);
int cmd_net(int argc, char **argv);
int cmd_sys(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_biotop(int argc, char **argv);
int cmd_lsof(int argc, char **argv);
int cmd_pmap(int argc, char **argv);
/* util-linux and procps lookalikes: their flags and layout, plus vigil's formats. */
int cmd_taskset(int argc, char **argv);
int cmd_renice(int argc, char **argv);
int cmd_ionice(int argc, char **argv);
int cmd_prlimit(int argc, char **argv);
int cmd_free(int argc, char **argv);
int cmd_df(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_who(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_iostat(int argc, char **argv);
int cmd_iotop(int argc, char **argv);
/* Active checks: `vigil probe http|tcp|dns|traceroute ...` (cmd_probe.c dispatches). */
int cmd_probe(int argc, char **argv);

/* Alerting rules: `vigil rules check FILE...`; `vigil alerts`: a serve's current alerts. */
int cmd_rules(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
/* Many hosts over SSH (libssh, loaded on first use). */
int cmd_fleet(int argc, char **argv);
/* IPy's address calculator. */
int cmd_ip(int argc, char **argv);
/* `vigil trace` where there is no tracer: sample records polled from the fallback library. */
int cmd_trace_poll(int argc, char **argv);

#endif /* VIGIL_COMMANDS_H */
