/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cli_config.h: a command's options from a YAML file (`vigil serve --config FILE`): each key
 * is an option's long name and its value the option's value, so the file accepts exactly
 * what the command line does, and the command line wins where both set an option.
 */
#ifndef VIGIL_CLI_CONFIG_H
#define VIGIL_CLI_CONFIG_H

#include "cli/cli.h"

/*
 * Apply path's options to cmd (ctx: the command's own, as for cli_parse). The strings they set
 * live until the process ends. 0, or -EINVAL after a message with the file, line and key.
 */
int cli_config__apply(const struct cli_cmd *cmd, const char *path, struct cli_common *common,
		      void *ctx);

#endif /* VIGIL_CLI_CONFIG_H */
