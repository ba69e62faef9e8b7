// SPDX-License-Identifier: Apache-2.0
/*
 * hw_mp's softhbactl test: the tool run against the live ports of the
 * test (port list and stats in JSON, link bounce, LOGO, PRLO), each
 * effect checked on both sides.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../unit/check_hw.h"
#include "hw_mp.h"

static int run_ctl(const char *args, char *out, size_t outlen)
{
	const char *b = getenv("top_builddir");
	char cmd[512];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/tools/softhbactl --dir %s --fabric mp %s 2>&1", b ? b : ".",
		 hw_mp_shm_root, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (out) {
		n = fread(out, 1, outlen - 1, f);
		out[n] = '\0';
	} else {
		char tmp[256];

		while (fread(tmp, 1, sizeof(tmp), f) > 0)
			;
	}
	return pclose(f);
}

static const char *json_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static int64_t json_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

/* softhbactl -o json port list: the port wwpn is online with these roles,
 * its WWNN, and exactly one login (PRLI) to peer. */
static bool json_port_is(const char *doc, const char *wwpn, const char *wwnn, const char *roles,
			 const char *peer)
{
	struct json_object *a = json_tokener_parse(doc), *o, *l, *e;
	bool ok = false;
	size_t i;

	for (i = 0; a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a);
	     i++) {
		o = json_object_array_get_idx(a, i);
		if (strcmp(json_str(o, "wwpn"), wwpn))
			continue;
		ok = !strcmp(json_str(o, "wwnn"), wwnn) && !strcmp(json_str(o, "roles"), roles) &&
		     !strcmp(json_str(o, "state"), "online") &&
		     json_object_object_get_ex(o, "logins", &l) &&
		     json_object_array_length(l) == 1 && (e = json_object_array_get_idx(l, 0)) &&
		     !strcmp(json_str(e, "wwpn"), peer) && !strcmp(json_str(e, "state"), "prli");
	}
	json_object_put(a);
	return ok;
}

/* softhbactl -o json port stats of the target: one LS sent, two received,
 * hw queue 0 received commands and sent none. */
static bool json_stats_ok(const char *doc)
{
	struct json_object *o = json_tokener_parse(doc), *q, *h;
	bool ok = o && !strcmp(json_str(o, "wwpn"), "0x10000090fa000001") &&
		  json_int(o, "ls_tx") == 1 && json_int(o, "ls_rx") == 2 &&
		  json_object_object_get_ex(o, "hwq", &q) && json_object_array_length(q) >= 1 &&
		  (h = json_object_array_get_idx(q, 0)) && json_int(h, "cmd_tx") == 0 &&
		  json_int(h, "cmd_rx") > 0;

	json_object_put(o);
	return ok;
}

void test_softhbactl(void)
{
	char out[4096];
	int unreg, reg, inv, rc;

	rc = run_ctl("-o json port list", out, sizeof(out));
	CHECK(rc == 0, "port list rc %d", rc);
	CHECK(json_port_is(out, "0x10000090fa000001", "0x20000090fa000001", "target,discovery",
			   "0x10000090fb000001") &&
		      json_port_is(out, "0x10000090fb000001", "0x20000090fb000001", "initiator",
				   "0x10000090fa000001"),
	      "port list -o json: %s", out);

	rc = run_ctl("-o json port stats 0x10000090fa000001", out, sizeof(out));
	CHECK(rc == 0 && json_stats_ok(out), "port stats: rc %d %s", rc, out);

	/* discovery_event/RSCN from the target: the host rescans that port */
	rc = atomic_load(&hwf.rescans);
	CHECK(tgt_cmd(CMD_RSCN, 5000) == 1, "target RSCN not sent to one host");
	CHECK(host_wait(&hwf.rescans, rc + 1, 5000), "host did not rescan the remote port");

	/* Host link bounce, from the fabric. */
	unreg = atomic_load(&hwf.rport_unregistered);
	reg = atomic_load(&hwf.rport_registered);
	inv = atomic_load(&sh->invalidated);
	rc = run_ctl("link down 0x10000090fb000001", NULL, 0);
	CHECK(rc == 0, "link down rc %d", rc);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "host link down: rport kept");
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000), "host link down: no invalidate");
	CHECK(strcmp(sh->why, "RSCN: port offline") == 0, "why '%s'", sh->why);
	rc = run_ctl("link up 0x10000090fb000001", NULL, 0);
	CHECK(rc == 0, "link up rc %d", rc);
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login after host link up");

	/* LOGO from the fabric on behalf of the target. */
	unreg = atomic_load(&hwf.rport_unregistered);
	reg = atomic_load(&hwf.rport_registered);
	inv = atomic_load(&sh->invalidated);
	rc = run_ctl("logo 0x10000090fa000001", out, sizeof(out));
	CHECK(rc == 0 && strstr(out, "1 login(s) logged out"), "logo: rc %d %s", rc, out);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "fabric LOGO: rport kept");
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000), "fabric LOGO: no invalidate");
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login after LOGO");

	/* PRLO from the fabric on behalf of the host, for this pair only. */
	unreg = atomic_load(&hwf.rport_unregistered);
	reg = atomic_load(&hwf.rport_registered);
	inv = atomic_load(&sh->invalidated);
	rc = run_ctl("prlo 0x10000090fb000001 0x10000090fa000001", out, sizeof(out));
	CHECK(rc == 0 && strstr(out, "1 login(s) logged out"), "prlo: rc %d %s", rc, out);
	CHECK(host_wait(&sh->invalidated, inv + 1, 5000), "fabric PRLO: no invalidate");
	CHECK(strcmp(sh->why, "PRLO") == 0, "why '%s'", sh->why);
	CHECK(host_wait(&hwf.rport_unregistered, unreg + 1, 5000), "fabric PRLO: rport kept");
	CHECK(host_wait(&hwf.rport_registered, reg + 1, 6000), "no re-login after PRLO");
}
