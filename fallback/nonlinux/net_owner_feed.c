// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_owner_feed.c - the socket-owner and socket-table feeds where there is no such kernel
 * walk: a feed is ignored, and the owners and tables come from the system's own interfaces.
 */
#include "fallback.h"

void fb_net_set_owner_feed(const struct fb_sock_owner_feed *feed)
{
	(void)feed;
}

const char *fb_net_owner_source(void)
{
	return "system";
}

void fb_net_set_table_feed(const struct fb_sock_table_feed *feed)
{
	(void)feed;
}

const char *fb_net_table_source(int family)
{
	(void)family;
	return "system";
}
