// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * flamegraph.c: the stack tree, its layout, and the SVG writer with its script. Nodes live
 * in one growing array and link by index; frames narrower than a tenth of a pixel are left
 * out of the drawing (with their children) to keep big profiles small.
 */
#include "profile/flamegraph.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/escape.h"

#define FG_FRAME_H    16
#define FG_PAD_TOP    50
#define FG_SUBTITLE_Y 42
#define FG_PAD_BOTTOM 26
#define FG_PAD_X      10
#define FG_MIN_PX     0.1

struct fg_node {
	char *name;
	uint64_t value;
	int first_child, next_sibling; /* -1: none */
	int depth;
	double x, w;
};

struct flamegraph {
	struct fg_node *nodes;
	int n, cap;
	int max_depth;
};

static int fg__node_new(struct flamegraph *fg, const char *name, size_t len, int depth)
{
	struct fg_node *nd;

	if (fg->n == fg->cap) {
		int cap = fg->cap ? fg->cap * 2 : 256;
		struct fg_node *p = realloc(fg->nodes, (size_t)cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		fg->nodes = p;
		fg->cap = cap;
	}
	nd = &fg->nodes[fg->n];
	nd->name = strndup(name, len);
	if (!nd->name)
		return -ENOMEM;
	nd->value = 0;
	nd->first_child = nd->next_sibling = -1;
	nd->depth = depth;
	nd->x = nd->w = 0;
	if (depth > fg->max_depth)
		fg->max_depth = depth;
	return fg->n++;
}

struct flamegraph *fg__new(void)
{
	struct flamegraph *fg = calloc(1, sizeof(*fg));

	if (!fg)
		return NULL;
	if (fg__node_new(fg, "all", 3, 0) < 0) {
		fg__free(fg);
		return NULL;
	}
	return fg;
}

/* The child of parent named name[0..len), created if missing; its index or -ENOMEM. */
static int fg__child(struct flamegraph *fg, int parent, const char *name, size_t len)
{
	int prev = -1, c, idx;

	for (c = fg->nodes[parent].first_child; c >= 0; c = fg->nodes[c].next_sibling) {
		if (!strncmp(fg->nodes[c].name, name, len) && !fg->nodes[c].name[len])
			return c;
		prev = c;
	}
	idx = fg__node_new(fg, name, len, fg->nodes[parent].depth + 1);
	if (idx < 0)
		return idx;
	if (prev < 0)
		fg->nodes[parent].first_child = idx;
	else
		fg->nodes[prev].next_sibling = idx;
	return idx;
}

int fg__add(struct flamegraph *fg, const char *const *frames, int n, uint64_t value)
{
	int cur = 0;

	fg->nodes[0].value += value;
	for (int i = 0; i < n; i++) {
		cur = fg__child(fg, cur, frames[i], strlen(frames[i]));
		if (cur < 0)
			return cur;
		fg->nodes[cur].value += value;
	}
	return 0;
}

int fg__add_folded(struct flamegraph *fg, const char *stack, uint64_t value)
{
	int cur = 0;

	fg->nodes[0].value += value;
	while (*stack) {
		size_t len = strcspn(stack, ";");

		cur = fg__child(fg, cur, stack, len);
		if (cur < 0)
			return cur;
		fg->nodes[cur].value += value;
		stack += len;
		if (*stack == ';')
			stack++;
	}
	return 0;
}

static int fg__name_cmp(const void *a, const void *b, void *arg)
{
	const struct fg_node *nodes = arg;

	return strcmp(nodes[*(const int *)a].name, nodes[*(const int *)b].name);
}

/* Place the children of node idx left to right in name order. */
static void fg__layout_node(struct flamegraph *fg, int idx, double scale)
{
	int nchild = 0, *order, c, i;
	double x = fg->nodes[idx].x;

	for (c = fg->nodes[idx].first_child; c >= 0; c = fg->nodes[c].next_sibling)
		nchild++;
	if (!nchild)
		return;
	order = malloc((size_t)nchild * sizeof(*order));
	if (!order)
		return;
	for (i = 0, c = fg->nodes[idx].first_child; c >= 0; c = fg->nodes[c].next_sibling)
		order[i++] = c;
	qsort_r(order, (size_t)nchild, sizeof(*order), fg__name_cmp, fg->nodes);
	for (i = 0; i < nchild; i++) {
		struct fg_node *nd = &fg->nodes[order[i]];

		nd->x = x;
		nd->w = (double)nd->value * scale;
		x += nd->w;
		fg__layout_node(fg, order[i], scale);
	}
	free(order);
}

void fg__layout(struct flamegraph *fg, double width)
{
	double scale = fg->nodes[0].value ? width / (double)fg->nodes[0].value : 0;

	fg->nodes[0].x = 0;
	fg->nodes[0].w = fg->nodes[0].value ? width : 0;
	fg__layout_node(fg, 0, scale);
}

int fg__box(const struct flamegraph *fg, const char *const *path, int n, struct fg_box *out)
{
	int cur = 0;

	for (int i = 0; i < n; i++) {
		int c;

		for (c = fg->nodes[cur].first_child; c >= 0; c = fg->nodes[c].next_sibling) {
			if (!strcmp(fg->nodes[c].name, path[i]))
				break;
		}
		if (c < 0)
			return -ENOENT;
		cur = c;
	}
	*out = (struct fg_box){ fg->nodes[cur].x, fg->nodes[cur].w, fg->nodes[cur].depth,
				fg->nodes[cur].value };
	return 0;
}

int fg__max_depth(const struct flamegraph *fg)
{
	return fg->max_depth;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void fg_frame_colour(const char *name, int depth, bool off_cpu, char *buf, size_t len)
{
	size_t n = strlen(name);
	uint32_t h = name_hash(name);
	unsigned int v1 = h & 0xff, v2 = (h >> 8) & 0xff;
	bool kernel = n > 4 && !strcmp(name + n - 4, "_[k]");

	if (name[0] == '[' || depth == 0)
		snprintf(buf, len, "rgb(%u,%u,%u)", 170 + v1 % 30, 170 + v1 % 30, 170 + v1 % 30);
	else if (depth == 1)
		snprintf(buf, len, "rgb(%u,%u,%u)", 120 + v1 % 40, 150 + v2 % 40, 200);
	else if (off_cpu && kernel) /* aqua: hue about 175-185 */
		snprintf(buf, len, "rgb(%u,%u,%u)", 20 + v1 % 50, 190 + v2 % 40, 180 + v2 % 40);
	else if (off_cpu) /* blue: hue about 215-230 */
		snprintf(buf, len, "rgb(%u,%u,%u)", 60 + v1 % 40, 100 + v1 % 40 + v2 % 20, 230);
	else if (kernel) /* amber: hue about 39-53 */
		snprintf(buf, len, "rgb(%u,%u,%u)", 235, 170 + v1 % 40, 20 + v2 % 30);
	else /* red: hue about 5-21 */
		snprintf(buf, len, "rgb(%u,%u,%u)", 215 + v1 % 40, 55 + v2 % 35, 25 + v1 % 25);
}

void fg_human_duration(char *buf, size_t len, uint64_t ns)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = { { 1000000000ULL, "s" }, { 1000000ULL, "ms" }, { 1000ULL, "us" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double v = (double)ns / (double)units[i].div;

		if (ns < units[i].div)
			continue;
		snprintf(buf, len,
			 v >= 100  ? "%.0f %s"
			 : v >= 10 ? "%.1f %s"
				   : "%.2f %s",
			 v, units[i].unit);
		return;
	}
	snprintf(buf, len, "%llu ns", (unsigned long long)ns);
}

static const char fg_style[] =
	"text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
	"#title { text-anchor: middle; font-size: 17px; }\n"
	"#subtitle { text-anchor: middle; fill: rgb(90,90,90); }\n"
	"#search, #unzoom { cursor: pointer; }\n"
	"#search:hover, #unzoom:hover { fill: rgb(0,0,200); }\n"
	"#frames > g { cursor: pointer; }\n"
	"#frames > g:hover > rect { stroke: black; stroke-width: 0.5; }\n"
	".hide { display: none; }\n"
	".parent { opacity: 0.5; }\n";

/* Our own script: zoom, reset, search. Frames are <g><title/><rect/><text/></g>. */
static const char fg_script[] =
	"var W, PADX = 10, FONTW = 7.1, frames, details, matched, unzoombtn, searchbtn;\n"
	"var total_w = 0, cur_re = null;\n"
	"function $(id) { return document.getElementById(id); }\n"
	"function nameof(g) {\n"
	"  return g.getAttribute('data-name');\n"
	"}\n"
	"function num(e, a) { return parseFloat(e.getAttribute(a)); }\n"
	"function fit(g) {\n"
	"  var r = g.querySelector('rect'), t = g.querySelector('text');\n"
	"  var w = num(r, 'width'), n = nameof(g), max = Math.floor((w - 6) / FONTW);\n"
	"  t.setAttribute('x', num(r, 'x') + 3);\n"
	"  if (max < 3) t.textContent = '';\n"
	"  else if (n.length > max) t.textContent = n.substring(0, max - 2) + '..';\n"
	"  else t.textContent = n;\n"
	"}\n"
	"function each(fn) {\n"
	"  var gs = frames.children;\n"
	"  for (var i = 0; i < gs.length; i++) fn(gs[i]);\n"
	"}\n"
	"function init() {\n"
	"  frames = $('frames'); details = $('details'); matched = $('matched');\n"
	"  unzoombtn = $('unzoom'); searchbtn = $('search');\n"
	"  W = num(document.documentElement, 'width');\n"
	"  each(function (g) {\n"
	"    var r = g.querySelector('rect');\n"
	"    g.setAttribute('data-ox', r.getAttribute('x'));\n"
	"    g.setAttribute('data-ow', r.getAttribute('width'));\n"
	"    if (num(g, 'data-ow') > total_w) total_w = num(g, 'data-ow');\n"
	"    fit(g);\n"
	"  });\n"
	"  frames.addEventListener('click', function (e) {\n"
	"    var g = e.target.closest('#frames > g'); if (g) zoom(g);\n"
	"  });\n"
	"  frames.addEventListener('mouseover', function (e) {\n"
	"    var g = e.target.closest('#frames > g');\n"
	"    if (g) details.textContent = g.querySelector('title').textContent;\n"
	"  });\n"
	"  frames.addEventListener('mouseout', function () { details.textContent = ' '; });\n"
	"  unzoombtn.addEventListener('click', unzoom);\n"
	"  from_hash();\n"
	"  searchbtn.addEventListener('click', search_prompt);\n"
	"  window.addEventListener('keydown', function (e) {\n"
	"    if ((e.ctrlKey || e.metaKey) && e.key === 'f') {\n"
	"      e.preventDefault(); search_prompt();\n"
	"    }\n"
	"    else if (e.key === 'Escape') { unzoom(); clear_search(); }\n"
	"  });\n"
	"}\n"
	"function zoom(z) {\n"
	"  var zx = num(z, 'data-ox'), zw = num(z, 'data-ow');\n"
	"  var zy = num(z.querySelector('rect'), 'y');\n"
	"  var scale = (W - 2 * PADX) / zw, eps = 0.0001;\n"
	"  unzoombtn.classList.remove('hide');\n"
	"  each(function (g) {\n"
	"    var r = g.querySelector('rect'), x = num(g, 'data-ox'), w = num(g, 'data-ow');\n"
	"    var y = num(r, 'y');\n"
	"    g.classList.remove('hide'); g.classList.remove('parent');\n"
	"    if (y > zy) {\n"
	"      if (x <= zx + eps && x + w >= zx + zw - eps) {\n"
	"        g.classList.add('parent'); r.setAttribute('x', PADX);\n"
	"        r.setAttribute('width', W - 2 * PADX);\n"
	"      } else g.classList.add('hide');\n"
	"    } else if (x >= zx - eps && x + w <= zx + zw + eps) {\n"
	"      r.setAttribute('x', PADX + (x - zx) * scale); r.setAttribute('width', w * scale);\n"
	"    } else g.classList.add('hide');\n"
	"    fit(g);\n"
	"  });\n"
	"  if (cur_re) do_search(cur_re);\n"
	"}\n"
	"function unzoom() {\n"
	"  unzoombtn.classList.add('hide');\n"
	"  each(function (g) {\n"
	"    var r = g.querySelector('rect');\n"
	"    g.classList.remove('hide'); g.classList.remove('parent');\n"
	"    r.setAttribute('x', g.getAttribute('data-ox'));\n"
	"    r.setAttribute('width', g.getAttribute('data-ow'));\n"
	"    fit(g);\n"
	"  });\n"
	"}\n"
	"function clear_search() {\n"
	"  cur_re = null; matched.textContent = ' '; searchbtn.textContent = 'Search';\n"
	"  each(function (g) {\n"
	"    var r = g.querySelector('rect');\n"
	"    if (g.hasAttribute('data-fill'))\n"
	"      r.setAttribute('fill', g.getAttribute('data-fill'));\n"
	"  });\n"
	"}\n"
	"function do_search(re) {\n"
	"  var spans = [];\n"
	"  each(function (g) {\n"
	"    var r = g.querySelector('rect');\n"
	"    if (!g.hasAttribute('data-fill'))\n"
	"      g.setAttribute('data-fill', r.getAttribute('fill'));\n"
	"    if (re.test(nameof(g))) {\n"
	"      r.setAttribute('fill', 'rgb(230,0,230)');\n"
	"      spans.push([num(g, 'data-ox'), num(g, 'data-ox') + num(g, 'data-ow')]);\n"
	"    } else r.setAttribute('fill', g.getAttribute('data-fill'));\n"
	"  });\n"
	"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
	"  var covered = 0, end = -1;\n"
	"  for (var i = 0; i < spans.length; i++) {\n"
	"    var s = Math.max(spans[i][0], end);\n"
	"    if (spans[i][1] > s) covered += spans[i][1] - s;\n"
	"    end = Math.max(end, spans[i][1]);\n"
	"  }\n"
	"  var pct = total_w ? 100 * covered / total_w : 0;\n"
	"  matched.textContent = 'Matched: ' + pct.toFixed(1) + '%';\n"
	"  searchbtn.textContent = 'Reset Search';\n"
	"}\n"
	"function search_prompt() {\n"
	"  if (cur_re) { clear_search(); return; }\n"
	"  var term = prompt('Search for (regular expression):', '');\n"
	"  if (!term) return;\n"
	"  try { cur_re = new RegExp(term); }\n"
	"  catch (e) { alert('Bad expression: ' + e); return; }\n"
	"  do_search(cur_re);\n"
	"}\n"
	"/* Links such as graph.svg#zoom=main&search=^read open zoomed and searched. */\n"
	"function from_hash() {\n"
	"  var h = decodeURIComponent(window.location.hash.substring(1));\n"
	"  h.split('&').forEach(function (kv) {\n"
	"    var i = kv.indexOf('='), k = kv.substring(0, i), v = kv.substring(i + 1);\n"
	"    if (k === 'zoom') {\n"
	"      var gs = frames.children;\n"
	"      for (var j = 0; j < gs.length; j++)\n"
	"        if (nameof(gs[j]) === v) { zoom(gs[j]); break; }\n"
	"    } else if (k === 'search' && v) {\n"
	"      try { cur_re = new RegExp(v); do_search(cur_re); } catch (e) { }\n"
	"    }\n"
	"  });\n"
	"}\n"
	"window.addEventListener('load', init);\n";

/* A frame's value for its tooltip: "1.99 s" for time in microseconds, else "N unit". */
static void fg_value_text(const struct fg_opts *o, uint64_t v, char *buf, size_t len)
{
	if (o->unit && !strcmp(o->unit, "us"))
		fg_human_duration(buf, len, v * 1000);
	else
		snprintf(buf, len, "%llu %s", (unsigned long long)v, o->unit ? o->unit : "samples");
}

/* "host, 1.99 s, 1234 samples, --pid 42": what the graph is of. */
static void fg__write_subtitle(struct sink *s, const struct fg_opts *o, int width)
{
	char host[256] = "", dur[32];

	if (gethostname(host, sizeof(host) - 1))
		host[0] = '\0';
	fg_human_duration(dur, sizeof(dur), o->duration_ns);
	sink__printf(s, "<text id=\"subtitle\" x=\"%d\" y=\"%d\">", width / 2, FG_SUBTITLE_Y);
	esc_xml_write(s, host[0] ? host : "unknown host");
	sink__printf(s, ", %s, %llu %s", dur, (unsigned long long)o->count,
		     o->off_cpu ? "blocks" : "samples");
	if (o->filter && o->filter[0]) {
		sink__puts(s, ", ");
		esc_xml_write(s, o->filter);
	}
	sink__puts(s, "</text>\n");
}

static void fg__write_frames(struct flamegraph *fg, struct sink *s, const struct fg_opts *o,
			     int height)
{
	uint64_t total = fg->nodes[0].value;

	for (int i = 0; i < fg->n; i++) {
		const struct fg_node *nd = &fg->nodes[i];
		double y = height - FG_PAD_BOTTOM - (nd->depth + 1) * FG_FRAME_H;
		char colour[32], value[48];

		if (nd->w < FG_MIN_PX)
			continue;
		fg_frame_colour(nd->name, nd->depth, o->off_cpu, colour, sizeof(colour));
		sink__puts(s, "<g data-name=\"");
		esc_xml_write(s, nd->name);
		sink__puts(s, "\"><title>");
		esc_xml_write(s, nd->name);
		fg_value_text(o, nd->value, value, sizeof(value));
		sink__printf(s, " (%s, %.2f%%)</title>", value,
			     total ? 100.0 * (double)nd->value / (double)total : 0.0);
		sink__printf(s,
			     "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" "
			     "fill=\"%s\" rx=\"2\" ry=\"2\"/>",
			     FG_PAD_X + nd->x, y, nd->w, FG_FRAME_H - 1, colour);
		sink__printf(s, "<text x=\"%.2f\" y=\"%.0f\"></text></g>\n", FG_PAD_X + nd->x + 3,
			     y + FG_FRAME_H - 4);
	}
}

int fg__write_svg(struct flamegraph *fg, struct sink *s, const struct fg_opts *o)
{
	int width = o->width > 0 ? o->width : 1200;
	int height = FG_PAD_TOP + FG_PAD_BOTTOM + (fg->max_depth + 1) * FG_FRAME_H;

	fg__layout(fg, width - 2 * FG_PAD_X);
	sink__puts(s, "<?xml version=\"1.0\" standalone=\"no\"?>\n");
	sink__printf(s,
		     "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		     "xmlns=\"http://www.w3.org/2000/svg\">\n",
		     width, height, width, height);
	sink__puts(s, "<style type=\"text/css\">\n");
	sink__puts(s, fg_style);
	sink__puts(s, "</style>\n<script type=\"text/ecmascript\"><![CDATA[\n");
	sink__puts(s, fg_script);
	sink__puts(s, "]]></script>\n");
	sink__printf(s, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" ", width, height);
	sink__puts(s, "fill=\"rgb(248,248,240)\"/>\n");
	sink__printf(s, "<text id=\"title\" x=\"%d\" y=\"24\">", width / 2);
	esc_xml_write(s, o->title ? o->title : "Flame Graph");
	sink__puts(s, "</text>\n");
	fg__write_subtitle(s, o, width);
	sink__printf(s, "<text id=\"unzoom\" class=\"hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n",
		     FG_PAD_X);
	sink__printf(s, "<text id=\"search\" x=\"%d\" y=\"24\">Search</text>\n", width - 110);
	sink__printf(s, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", FG_PAD_X, height - 8);
	sink__printf(s, "<text id=\"matched\" x=\"%d\" y=\"%d\"> </text>\n", width - 160,
		     height - 8);
	sink__puts(s, "<g id=\"frames\">\n");
	fg__write_frames(fg, s, o, height);
	sink__puts(s, "</g>\n</svg>\n");
	return sink__error(s);
}

void fg__free(struct flamegraph *fg)
{
	if (!fg)
		return;
	for (int i = 0; i < fg->n; i++)
		free(fg->nodes[i].name);
	free(fg->nodes);
	free(fg);
}
