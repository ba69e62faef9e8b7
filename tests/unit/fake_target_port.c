// SPDX-License-Identifier: Apache-2.0
/*
 * The fake ports of the control-plane tests (see fake_target.h): what
 * port.h offers the control code, logged and kept in the model.
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "fake_target_priv.h"
#include "fcd.h"
#include "hostlog.h"

static int port_idx(const char *name)
{
	int i;

	for (i = 0; i < fake_model.nr_ports; i++)
		if (strcmp(fake_model.ports[i], name) == 0)
			return i;
	return -1;
}

int port_add(struct fcd *d, const struct conf_port *cp, char *err, size_t errlen)
{
	int rc = fake_call(err, errlen, "port_add %s %u", cp->name, cp->portid);

	(void)d;
	if (rc == 0) {
		snprintf(fake_model.ports[fake_model.nr_ports], PORT_NAME_MAX, "%s", cp->name);
		fake_model.enabled[fake_model.nr_ports++] = true;
	}
	return rc;
}

int port_del(struct fcd *d, const char *name, char *err, size_t errlen)
{
	int rc = fake_call(err, errlen, "port_del %s", name), i = port_idx(name);

	(void)d;
	if (rc == 0 && i >= 0) {
		memmove(&fake_model.ports[i], &fake_model.ports[i + 1],
			(size_t)(fake_model.nr_ports - i - 1) * PORT_NAME_MAX);
		fake_model.nr_ports--;
	}
	return rc;
}

int port_enable(struct fcd *d, const char *name, char *err, size_t errlen)
{
	(void)d;
	return fake_call(err, errlen, "port_enable %s", name);
}

int port_disable(struct fcd *d, const char *name, char *err, size_t errlen)
{
	(void)d;
	return fake_call(err, errlen, "port_disable %s", name);
}

int port_foreach(struct fcd *d, int (*cb)(const struct port_view *v, void *arg), void *arg)
{
	struct port_view v;
	int i, rc;

	(void)d;
	for (i = 0; i < fake_model.nr_ports; i++) {
		memset(&v, 0, sizeof(v));
		snprintf(v.name, sizeof(v.name), "%s", fake_model.ports[i]);
		snprintf(v.dev, sizeof(v.dev), "soft:test");
		v.portid = (uint16_t)(i + 1);
		v.wwnn = 0x20000090fa000001ULL;
		v.wwpn = 0x10000090fa000001ULL + (uint64_t)i;
		v.nport_id = 0x010200 + (uint32_t)i;
		v.enabled = true;
		v.link_up = true;
		v.nr_hwq = 2;
		v.refusals = 7 * (uint64_t)(i + 1);
		v.host_conflicts = 3 * (uint64_t)(i + 1);
		rc = cb(&v, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int port_host_foreach(struct fcd *d, int (*cb)(const struct host_view *v, void *arg), void *arg)
{
	/* One host connected, one refused that logged out since. */
	static struct hostlog_entry seen[2] = {
		{ .wwpn = 0x10000090fa0000aaULL,
		  .last_ms = 1000,
		  .nqns = { { "nqn.2014-08.org.nvmexpress:uuid:aa", 3, 1000 } },
		  .nr_nqns = 1 },
		{ .wwnn = 0x20000090fa0000bbULL,
		  .wwpn = 0x10000090fa0000bbULL,
		  .nport_id = 0x010400,
		  .last_ms = 1500,
		  .nqns = { { "nqn.2014-08.org.nvmexpress:uuid:bb", 2, 1500 },
			    { "nqn.2014-08.org.nvmexpress:uuid:b0", 1, 900 } },
		  .nr_nqns = 2,
		  .refusals = 2,
		  .reason = "host not allowed",
		  .subsys = "nqn.2026-11.io.x:a",
		  .status = 0x4184,
		  .refused_ms = 1500 },
	};
	struct host_view v = { .port = "p0",
			       .wwnn = 0x20000090fa0000aaULL,
			       .wwpn = 0x10000090fa0000aaULL,
			       .nport_id = 0x010300,
			       .logged_in = true,
			       .nr_assocs = 1,
			       .allowed = true,
			       .now_ms = 2000,
			       .log = &seen[0] };
	int rc;

	(void)d;
	if (fake_model.nr_ports == 0)
		return 0;
	rc = cb(&v, arg);
	if (rc)
		return rc;
	v = (struct host_view){ .port = "p0",
				.wwnn = seen[1].wwnn,
				.wwpn = seen[1].wwpn,
				.nport_id = seen[1].nport_id,
				.now_ms = 2000,
				.log = &seen[1] };
	return cb(&v, arg);
}

int port_host_invalidate(struct fcd *d, uint64_t wwpn, char *err, size_t errlen)
{
	(void)d;
	return fake_call(err, errlen, "host_invalidate 0x%016llx", (unsigned long long)wwpn);
}

int port_discovery_event(struct fcd *d, const char *name, char *err, size_t errlen)
{
	(void)d;
	return fake_call(err, errlen, "discovery_event %s", name ? name : "*");
}

void port_counts(struct fcd *d, unsigned int *ports, unsigned int *up, unsigned int *threads)
{
	(void)d;
	*ports = (unsigned int)fake_model.nr_ports;
	*up = (unsigned int)fake_model.nr_ports;
	*threads = 2 * (unsigned int)fake_model.nr_ports;
}
