// SPDX-License-Identifier: BSD-2-Clause
/*
 * sensors.c - sensors on Windows.  Temperatures and fans have no documented user-mode API
 * (psutil has none either): -ENOTSUP.  The battery comes from GetSystemPowerStatus: no
 * system battery (flag 128) or an unknown one (255) is "not present", psutil's None.
 */
#include "fb_win.h"

#include <errno.h>
#include <string.h>

int fb_sensors_temperatures(struct fb_temp **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

int fb_sensors_fans(struct fb_fan **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

int fb_sensors_battery(struct fb_battery *out)
{
	SYSTEM_POWER_STATUS ps;

	memset(out, 0, sizeof(*out));
	if (!GetSystemPowerStatus(&ps))
		return fb__win_err(GetLastError());
	if ((ps.BatteryFlag & 128) || ps.BatteryFlag == 255 || ps.BatteryLifePercent == 255)
		return 0;
	out->present = true;
	out->percent = ps.BatteryLifePercent;
	out->power_plugged = ps.ACLineStatus == 1 ? 1 : ps.ACLineStatus == 0 ? 0 : -1;
	if (out->power_plugged == 1)
		out->secsleft = FB_POWER_TIME_UNLIMITED;
	else if (ps.BatteryLifeTime == (DWORD)-1)
		out->secsleft = FB_POWER_TIME_UNKNOWN;
	else
		out->secsleft = (long)ps.BatteryLifeTime;
	return 0;
}
