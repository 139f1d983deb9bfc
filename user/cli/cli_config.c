// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cli_config.c: options from a YAML file (cli_config.h), read with libyaml. The root is a
 * mapping of long option names to a scalar (the value; `true` turns a switch on, `false`
 * leaves it off), or to a list of scalars for an option that may be repeated. Anything else
 * (a nested mapping, an unknown name, a bad value) is refused with the file and line, before
 * the command starts. Values are copied and kept: options keep pointers to their strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/cli_config.h"

#define CONFIG_MAX_BYTES (1 << 20)

struct cfg {
	const struct cli_cmd *cmd;
	struct cli_common *common;
	void *ctx;
	const char *path;
	yaml_document_t doc;
};

static int cfg__fail(struct cfg *c, const yaml_node_t *n, const char *msg)
{
	cli_error(c->cmd, "%s:%zu: %s", c->path, (size_t)n->start_mark.line + 1, msg);
	return -EINVAL;
}

static int cfg__set(struct cfg *c, const char *key, const yaml_node_t *v)
{
	const char *text = (const char *)v->data.scalar.value;
	const struct cli_opt *o = NULL;
	char where[256];
	char *copy;

	if (v->type != YAML_SCALAR_NODE)
		return cfg__fail(c, v, "want a value or a list of values");
	if (strlen(text) != v->data.scalar.length)
		return cfg__fail(c, v, "a NUL byte in the value");
	snprintf(where, sizeof(where), "%s:%zu", c->path, (size_t)v->start_mark.line + 1);
	for (const struct cli_opt *p = c->cmd->opts; p->name && !o; p++) {
		if (!strcmp(p->name, key))
			o = p;
	}
	if (o && !o->arg) {
		if (!strcmp(text, "false"))
			return 0;
		if (strcmp(text, "true"))
			return cfg__fail(c, v, "a switch: want true or false");
		return cli_set_named(c->cmd, c->common, c->ctx, key, NULL, where);
	}
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	return cli_set_named(c->cmd, c->common, c->ctx, key, copy, where);
}

static int cfg__apply_root(struct cfg *c)
{
	yaml_node_t *root = yaml_document_get_root_node(&c->doc);
	int err;

	if (!root)
		return 0; /* an empty file sets nothing */
	if (root->type != YAML_MAPPING_NODE)
		return cfg__fail(c, root, "want a mapping of option names to values");
	for (yaml_node_pair_t *pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, pair->value);
		const char *key;

		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return cfg__fail(c, root, "want option names as keys");
		key = (const char *)k->data.scalar.value;
		if (!strcmp(key, "config") || !strcmp(key, "help"))
			return cfg__fail(c, k, "not an option a config file can set");
		if (v->type != YAML_SEQUENCE_NODE) {
			err = cfg__set(c, key, v);
			if (err)
				return err;
			continue;
		}
		for (yaml_node_item_t *i = v->data.sequence.items.start;
		     i < v->data.sequence.items.top; i++) {
			yaml_node_t *item = yaml_document_get_node(&c->doc, *i);

			err = item ? cfg__set(c, key, item) : -EINVAL;
			if (err)
				return err;
		}
	}
	return 0;
}

/* path's bytes, at most CONFIG_MAX_BYTES, in *buf (to free); 0 or -EINVAL after a message. */
static int cfg__read(const struct cli_cmd *cmd, const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f) {
		cli_error(cmd, "--config %s: %s", path, strerror(errno));
		return -EINVAL;
	}
	*buf = malloc(CONFIG_MAX_BYTES + 1);
	*len = *buf ? fread(*buf, 1, CONFIG_MAX_BYTES + 1, f) : 0;
	if (!*buf || ferror(f)) {
		cli_error(cmd, "--config %s: %s", path, *buf ? "read error" : strerror(ENOMEM));
		err = -EINVAL;
	} else if (*len > CONFIG_MAX_BYTES) {
		cli_error(cmd, "--config %s: larger than 1 MiB", path);
		err = -EINVAL;
	}
	fclose(f);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

int cli_config__apply(const struct cli_cmd *cmd, const char *path, struct cli_common *common,
		      void *ctx)
{
	struct cfg c = { .cmd = cmd, .common = common, .ctx = ctx, .path = path };
	yaml_parser_t parser;
	char *text;
	size_t len;
	int err;

	err = cfg__read(cmd, path, &text, &len);
	if (err)
		return err;
	err = -EINVAL;
	if (!yaml_parser_initialize(&parser)) {
		cli_error(cmd, "--config %s: libyaml is not available", path);
		goto out_text;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &c.doc)) {
		cli_error(cmd, "%s:%zu: %s", path, (size_t)parser.problem_mark.line + 1,
			  parser.problem ? parser.problem : "not YAML");
		goto out_parser;
	}
	err = cfg__apply_root(&c);
	yaml_document_delete(&c.doc);
out_parser:
	yaml_parser_delete(&parser);
out_text:
	free(text);
	return err;
}
