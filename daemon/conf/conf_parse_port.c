// SPDX-License-Identifier: Apache-2.0
/*
 * conf_parse_port(): one element of ports = ( ... ) of a configuration
 * file: the options of conf_port_opts, the device name and the CPU list.
 * Part of conf_load() (conf.c).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/un.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_parse_priv.h"
#include "hw/hw_name.h"

/* "soft:..." (the name is checked apart), "pci:" and a PCI address,
 * "vmport:" and the absolute path of a softhba-vmport socket (what fits in
 * sun_path), or "/dev/uio" and digits. */
static bool dev_valid(const char *dev)
{
	const char *d;

	if (strncmp(dev, "soft:", 5) == 0)
		return true;
	if (strncmp(dev, "pci:", 4) == 0)
		return hw_pci_bdf_ok(dev + 4);
	if (strncmp(dev, "vmport:", 7) == 0)
		return dev[7] == '/' &&
		       strlen(dev + 7) < sizeof(((struct sockaddr_un *)0)->sun_path);
	if (strncmp(dev, "/dev/uio", 8) != 0 || dev[8] == '\0')
		return false;
	for (d = dev + 8; *d; d++)
		if (!isdigit((unsigned char)*d))
			return false;
	return true;
}

int conf_parse_port(struct conf_parse *p, const config_setting_t *g, struct conf_port *cp)
{
	static const char *const extra[] = { "cpus", NULL };
	const config_setting_t *cpus;
	int err, i, n;

	err = conf_opts_parse(p, g, conf_port_opts, extra, cp, "port");
	if (err)
		return err;
	cp->line = (int)config_setting_source_line(g);
	if (!dev_valid(cp->dev))
		return conf_perr(
			p, config_setting_get_member(g, "dev"), -EINVAL,
			"port %s: dev \"%s\" must be soft:FABRIC, /dev/uioN, pci:DDDD:BB:DD.F or "
			"vmport:/SOCKET",
			cp->name, cp->dev);
	if (strcmp(cp->dev, "soft:") == 0)
		return conf_perr(p, config_setting_get_member(g, "dev"), -EINVAL,
				 "port %s: soft: needs a fabric name", cp->name);
	if (strncmp(cp->dev, "soft:", 5) == 0 && !hw_fabric_name_ok(cp->dev + 5))
		return conf_perr(p, config_setting_get_member(g, "dev"), -EINVAL,
				 "port %s: fabric name \"%s\": use 1..%d letters, digits, '-', '_' "
				 "or '.', not starting with '.'",
				 cp->name, cp->dev + 5, HW_FABRIC_NAME_MAX);
	if (cp->mdts & (cp->mdts - 1))
		return conf_perr(p, config_setting_get_member(g, "mdts"), -EINVAL,
				 "port %s: mdts = %u is not a power of two (Identify MDTS "
				 "states powers of two)",
				 cp->name, cp->mdts);
	err = conf_member_list(p, g, "cpus", true, &cpus);
	if (err || cpus == NULL)
		return err;
	n = config_setting_length(cpus);
	if (n > cp->nr_hwq)
		return conf_perr(p, cpus, -EINVAL, "port %s: %d CPUs for %u hw queues", cp->name, n,
				 cp->nr_hwq);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(cpus, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_INT || config_setting_get_int(e) < 0 ||
		    config_setting_get_int(e) > 4095)
			return conf_perr(p, cpus, -EINVAL,
					 "port %s: cpus must be CPU numbers 0..4095", cp->name);
		cp->cpus[i] = config_setting_get_int(e);
	}
	cp->nr_cpus = (unsigned int)n;
	return 0;
}
