// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl config from-nvmetcli FILE [dev WWPN=DEV]... [keys-file PATH]:
 * Linux nvmet's saved configuration (what nvmetcli save writes to
 * /etc/nvmet/config.json: each configfs attribute group as an object of
 * strings, "enable" as a number) as nvmetfcd's, printed as libconfig text
 * for nvmetfcd.conf (with -o json as config export prints it, for config
 * import). Nothing asks the daemon. Mapping (docs/CONFIG_JSON.md):
 *   ports[] of trtype fc     -> ports: "fcPORTID", the WWNs of addr.traddr,
 *                               portid, param.max_queue_size; the HBA from
 *                               dev WWPN=DEV (required for each)
 *   ports[] of another type  -> left out, with a note
 *   ports[].ana_groups[]     -> ana_groups: the group, its state per port
 *   ports[].referrals[]      -> referrals (FC ones, enabled), on that port
 *   ports[].subsystems[]     -> the subsystems' ports
 *   subsystems[]             -> subsystems: nqn, allowed_hosts, attr's
 *                               allow_any_host, serial, model, firmware,
 *                               ieee_oui, cntlid_min, cntlid_max
 *   subsystems[].namespaces  -> file namespaces: nsid, device.path,
 *                               device.uuid, device.nguid, enable,
 *                               ana_grpid, resv.enable
 *   hosts[].dhchap           -> the lines of keys-file PATH (written, mode
 *                               0600) and daemon.auth_keys_file
 * What nvmetfcd cannot do the same way is refused with its place in the
 * file (a passthru subsystem, T10 PI, a host's DH-HMAC-CHAP keys without
 * keys-file, an FC port without dev); what it does otherwise is said in a
 * note on stderr (qid_max, which nvmetfcd sets per port).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include <fcnvme/err.h>
#include <fcnvme/hex.h>
#include <fcnvme/nqn.h>
#include <fcnvme/wwn.h>

#include "fcnvmectl.h"

#define NV_MAX_DEVS  32
#define NV_MAX_PORTS 64
#define NV_KEYS_MAX  65536

struct nv_port {
	long long portid;
	char name[24];
};

struct nv {
	const char *file;
	FILE *notes;
	struct {
		uint64_t wwpn;
		const char *dev;
		bool used;
	} devs[NV_MAX_DEVS];
	unsigned int ndevs;
	const char *keys_file;
	char *keys; /* the keys file's lines */
	size_t keys_len;
	struct nv_port ports[NV_MAX_PORTS];
	unsigned int nports;
	char *err;
	size_t errlen;
};

static void __attribute__((format(printf, 2, 3))) nv_note(struct nv *n, const char *fmt, ...)
{
	va_list ap;

	fprintf(n->notes, "fcnvmectl: %s: note: ", n->file);
	va_start(ap, fmt);
	vfprintf(n->notes, fmt, ap);
	va_end(ap);
	fputc('\n', n->notes);
}

static int __attribute__((format(printf, 3, 4))) nv_fail(struct nv *n, int rc, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return fcnvme_err(n->err, n->errlen, rc, "%s: %s", n->file, what);
}

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* o[group][key] as a string (configfs attributes are strings), or NULL. */
static const char *jattr(struct json_object *o, const char *group, const char *key)
{
	struct json_object *v = group ? jget(jget(o, group), key) : jget(o, key);

	return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
								     : NULL;
}

/* A number, or a string holding one (decimal or 0x hex): 0, or -EINVAL. */
static int jnum(struct json_object *v, long long *out)
{
	const char *s;
	char *end;

	if (v == NULL)
		return -EINVAL;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	s = json_object_get_string(v);
	errno = 0;
	*out = strtoll(s, &end, 0);
	return errno || end == s || *end != '\0' ? -EINVAL : 0;
}

/* An array member, or NULL when absent; -EINVAL through *rc when it is
 * something else (where: the object's place, NULL at the top). */
static struct json_object *jarray(struct nv *n, struct json_object *o, const char *key,
				  const char *where, int *rc)
{
	struct json_object *v = jget(o, key);

	*rc = 0;
	if (v != NULL && !json_object_is_type(v, json_type_array)) {
		*rc = nv_fail(n, -EINVAL, "%s%s%s: not an array", where ? where : "",
			      where ? "." : "", key);
		return NULL;
	}
	return v;
}

static void jadd_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void jadd_int(struct json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static struct json_object *jarr_of(struct json_object *o, const char *key)
{
	struct json_object *a = jget(o, key);

	if (a == NULL) {
		a = json_object_new_array();
		json_object_object_add(o, key, a);
	}
	return a;
}

static const char *nv_port_name(const struct nv *n, long long portid)
{
	unsigned int i;

	for (i = 0; i < n->nports; i++)
		if (n->ports[i].portid == portid)
			return n->ports[i].name;
	return NULL;
}

/* ---- hosts: DH-HMAC-CHAP keys ------------------------------------------- */

/* "hmac(sha256)" -> "sha256" into buf (nvmet's dhchap_hash names the
 * HMAC); buf, or NULL for none. */
static const char *nv_hash(const char *h, char *buf, size_t len)
{
	size_t n = h != NULL ? strlen(h) : 0;

	if (n == 0)
		return NULL;
	if (n > 6 && !strncmp(h, "hmac(", 5) && h[n - 1] == ')')
		snprintf(buf, len, "%.*s", (int)(n - 6), h + 5);
	else
		snprintf(buf, len, "%s", h);
	return buf;
}

static int nv_hosts(struct nv *n, struct json_object *root)
{
	struct json_object *hosts;
	size_t i, len;
	int rc;

	hosts = jarray(n, root, "hosts", NULL, &rc);
	if (rc || hosts == NULL)
		return rc;
	for (i = 0; i < json_object_array_length(hosts); i++) {
		struct json_object *h = json_object_array_get_idx(hosts, i);
		const char *nqn = jattr(h, NULL, "nqn");
		const char *key = jattr(h, "dhchap", "key");
		const char *ckey = jattr(h, "dhchap", "ctrl_key");
		const char *grp = jattr(h, "dhchap", "dhgroup");
		char line[1024], hbuf[32];
		const char *hash = nv_hash(jattr(h, "dhchap", "hash"), hbuf, sizeof(hbuf));

		if (nqn == NULL)
			return nv_fail(n, -EINVAL, "hosts[%zu]: no nqn", i);
		if (key == NULL || key[0] == '\0')
			continue;
		if (n->keys_file == NULL)
			return nv_fail(
				n, -EINVAL,
				"hosts[%zu] (%s) has a DH-HMAC-CHAP key: give keys-file PATH to "
				"carry it over (without it the host would connect "
				"unauthenticated)",
				i, nqn);
		len = (size_t)snprintf(line, sizeof(line), "%s %s%s%s%s%s%s%s\n", nqn, key,
				       ckey && ckey[0] ? " " : "", ckey && ckey[0] ? ckey : "",
				       hash && hash[0] ? " hashes=" : "", hash ? hash : "",
				       grp && grp[0] ? " dhgroups=" : "", grp ? grp : "");
		if (len >= sizeof(line) || n->keys_len + len >= NV_KEYS_MAX)
			return nv_fail(n, -E2BIG, "hosts[%zu]: keys too long", i);
		memcpy(n->keys + n->keys_len, line, len + 1);
		n->keys_len += len;
	}
	return 0;
}

/* ---- ports ---------------------------------------------------------------- */

/* ANA group grpid in groups (made when new), and its state on port (when
 * port is not NULL): ana_groups[].ports.PORT = STATE. */
static void nv_ana_state(struct json_object *groups, long long grpid, const char *port,
			 const char *state)
{
	struct json_object *g = NULL, *id, *ports;
	size_t i;

	for (i = 0; g == NULL && i < json_object_array_length(groups); i++) {
		struct json_object *e = json_object_array_get_idx(groups, i);

		if (json_object_object_get_ex(e, "id", &id) && json_object_get_int64(id) == grpid)
			g = e;
	}
	if (g == NULL) {
		g = json_object_new_object();
		jadd_int(g, "id", grpid);
		json_object_array_add(groups, g);
	}
	if (port == NULL)
		return;
	ports = jget(g, "ports");
	if (ports == NULL) {
		ports = json_object_new_object();
		json_object_object_add(g, "ports", ports);
	}
	jadd_str(ports, port, state);
}

/* A referral name nvmetfcd takes: letters, digits, '-', '_', a letter
 * first ("1" -> "r1"). */
static void nv_ref_name(const char *in, char *out, size_t len)
{
	size_t i, o = 0;

	if (!((in[0] >= 'a' && in[0] <= 'z') || (in[0] >= 'A' && in[0] <= 'Z')) && len > 1)
		out[o++] = 'r';
	for (i = 0; in[i] && o + 1 < len; i++) {
		char c = in[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_';

		out[o++] = ok ? c : '_';
	}
	out[o] = '\0';
}

static int nv_referrals(struct nv *n, struct json_object *p, size_t pi, const char *port,
			struct json_object *refs)
{
	struct json_object *arr;
	char where[64], name[64], traddr[64];
	long long en, portid;
	uint64_t wwnn, wwpn;
	size_t i;
	int rc;

	snprintf(where, sizeof(where), "ports[%zu]", pi);
	arr = jarray(n, p, "referrals", where, &rc);
	if (rc || arr == NULL)
		return rc;
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *r = json_object_array_get_idx(arr, i), *o;
		const char *rname = jattr(r, NULL, "name");
		const char *tr = jattr(r, "addr", "trtype");
		const char *ta = jattr(r, "addr", "traddr");
		const char *treq = jattr(r, "addr", "treq");

		if (rname == NULL)
			return nv_fail(n, -EINVAL, "%s.referrals[%zu]: no name", where, i);
		if (jnum(jget(r, "enable"), &en) == 0 && en == 0) {
			nv_note(n, "%s.referrals[%zu] (%s): disabled, left out", where, i, rname);
			continue;
		}
		if (tr == NULL || strcmp(tr, "fc") != 0) {
			nv_note(n, "%s.referrals[%zu] (%s): a %s referral, left out (FC only)",
				where, i, rname, tr ? tr : "typeless");
			continue;
		}
		if (ta == NULL || fcnvme_traddr_parse(ta, &wwnn, &wwpn) != 0)
			return nv_fail(n, -EINVAL,
				       "%s.referrals[%zu]: addr.traddr \"%s\" is not "
				       "nn-0xWWNN:pn-0xWWPN",
				       where, i, ta ? ta : "");
		fcnvme_traddr_format(wwnn, wwpn, traddr, sizeof(traddr));
		nv_ref_name(rname, name, sizeof(name));
		/* one referral of that name per port (configfs: per port dir) */
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "-%s", port);
		o = json_object_new_object();
		jadd_str(o, "name", name);
		jadd_str(o, "traddr", traddr);
		if (jnum(jget(jget(r, "addr"), "portid"), &portid) == 0 && portid)
			jadd_int(o, "portid", portid);
		if (treq != NULL && treq[0] != '\0' && strcmp(treq, "not specified") != 0)
			jadd_str(o, "treq", treq);
		json_object_array_add(jarr_of(o, "ports"), json_object_new_string(port));
		json_object_array_add(refs, o);
	}
	return 0;
}

static int nv_port(struct nv *n, struct json_object *p, size_t i, struct json_object *out_ports,
		   struct json_object *groups, struct json_object *refs)
{
	const char *tr = jattr(p, "addr", "trtype"), *ta = jattr(p, "addr", "traddr");
	const char *pi = jattr(p, "param", "pi_enable");
	struct json_object *o, *arr;
	char wwn[24], where[32];
	long long portid, qs;
	uint64_t wwnn, wwpn;
	struct nv_port *np;
	unsigned int k;
	size_t g;
	int rc;

	snprintf(where, sizeof(where), "ports[%zu]", i);
	if (jnum(jget(p, "portid"), &portid) != 0 || portid < 0 || portid > 65534)
		return nv_fail(n, -EINVAL, "%s: no portid (0..65534)", where);
	if (tr == NULL || strcmp(tr, "fc") != 0) {
		nv_note(n, "%s: port %lld (trtype %s) left out: nvmetfcd serves FC only", where,
			portid, tr ? tr : "none");
		return 0;
	}
	if (ta == NULL || fcnvme_traddr_parse(ta, &wwnn, &wwpn) != 0)
		return nv_fail(n, -EINVAL, "%s: addr.traddr \"%s\" is not nn-0xWWNN:pn-0xWWPN",
			       where, ta ? ta : "");
	if (pi != NULL && strcmp(pi, "0") != 0)
		return nv_fail(n, -EINVAL, "%s: param.pi_enable %s: nvmetfcd has no T10 PI", where,
			       pi);
	if (n->nports == NV_MAX_PORTS)
		return nv_fail(n, -E2BIG, "more than %d FC ports", NV_MAX_PORTS);
	for (k = 0; k < n->ndevs && n->devs[k].wwpn != wwpn; k++)
		;
	fcnvme_wwn_format(wwpn, wwn, sizeof(wwn));
	if (k == n->ndevs)
		return nv_fail(
			n, -EINVAL,
			"%s: FC port %lld (WWPN %s) needs its HBA: give dev %s=DEV (soft:FABRIC, "
			"/dev/uioN, pci:DDDD:BB:DD.F or vmport:/SOCKET)",
			where, portid, wwn, wwn);
	n->devs[k].used = true;
	np = &n->ports[n->nports++];
	np->portid = portid;
	snprintf(np->name, sizeof(np->name), "fc%lld", portid);
	o = json_object_new_object();
	jadd_str(o, "name", np->name);
	jadd_str(o, "dev", n->devs[k].dev);
	jadd_int(o, "portid", portid);
	fcnvme_wwn_format(wwnn, wwn, sizeof(wwn));
	jadd_str(o, "wwnn", wwn);
	fcnvme_wwn_format(wwpn, wwn, sizeof(wwn));
	jadd_str(o, "wwpn", wwn);
	/* newer kernels' param_max_queue_size; -1: not set */
	if (jnum(jget(jget(p, "param"), "max_queue_size"), &qs) == 0 && qs > 0)
		jadd_int(o, "max_queue_size", qs);
	json_object_array_add(out_ports, o);
	arr = jarray(n, p, "ana_groups", where, &rc);
	for (g = 0; !rc && arr != NULL && g < json_object_array_length(arr); g++) {
		struct json_object *a = json_object_array_get_idx(arr, g);
		const char *st = jattr(a, "ana", "state");
		long long grpid;

		if (jnum(jget(a, "grpid"), &grpid) != 0 || st == NULL)
			return nv_fail(n, -EINVAL, "%s.ana_groups[%zu]: no grpid or ana.state",
				       where, g);
		/* group 1 optimized: nvmetfcd's default, said by nothing */
		if (grpid != 1 || strcmp(st, "optimized") != 0)
			nv_ana_state(groups, grpid, np->name, st);
	}
	return rc ? rc : nv_referrals(n, p, i, np->name, refs);
}

/* ---- subsystems ------------------------------------------------------------ */

/* The FC ports (by name) whose subsystems list has nqn. */
static void nv_subsys_ports(struct nv *n, struct json_object *root, const char *nqn,
			    struct json_object *o)
{
	struct json_object *ports = jget(root, "ports");
	size_t i, k;

	for (i = 0; ports != NULL && i < json_object_array_length(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);
		struct json_object *subs = jget(p, "subsystems");
		const char *name;
		long long portid;

		if (jnum(jget(p, "portid"), &portid) != 0 ||
		    (name = nv_port_name(n, portid)) == NULL || subs == NULL ||
		    !json_object_is_type(subs, json_type_array))
			continue;
		for (k = 0; k < json_object_array_length(subs); k++) {
			const char *s = json_object_get_string(json_object_array_get_idx(subs, k));

			if (s != NULL && !strcmp(s, nqn))
				json_object_array_add(jarr_of(o, "ports"),
						      json_object_new_string(name));
		}
	}
}

/* An identifier of nvmet's (UUID notation, also for the NGUID) unless all
 * zeroes: the hex digits (nguid) or the UUID as is; one that does not parse
 * as is, for the daemon to name. */
static void nv_id(struct json_object *o, const char *key, const char *v, bool hex)
{
	static const uint8_t zero[16];
	uint8_t id[16];
	char digits[40];

	if (v == NULL || v[0] == '\0')
		return;
	if (fcnvme_uuid_parse(v, id) != 0) {
		jadd_str(o, key, v);
		return;
	}
	if (memcmp(id, zero, sizeof(id)) == 0)
		return;
	if (hex && fcnvme_hex_format(id, sizeof(id), digits, sizeof(digits)) == 0)
		jadd_str(o, key, digits);
	else
		jadd_str(o, key, v);
}

static int nv_namespaces(struct nv *n, struct json_object *s, size_t si, const char *nqn,
			 struct json_object *out, struct json_object *groups)
{
	struct json_object *arr;
	char where[48];
	size_t i;
	int rc;

	snprintf(where, sizeof(where), "subsystems[%zu]", si);
	arr = jarray(n, s, "namespaces", where, &rc);
	for (i = 0; !rc && arr != NULL && i < json_object_array_length(arr); i++) {
		struct json_object *ns = json_object_array_get_idx(arr, i), *o;
		const char *path = jattr(ns, "device", "path");
		const char *resv = jattr(ns, "resv", "enable");
		long long nsid, en = 1, grp = 1;

		if (jnum(jget(ns, "nsid"), &nsid) != 0 || nsid < 1 || nsid > 0xfffffffeLL)
			return nv_fail(n, -EINVAL, "%s.namespaces[%zu]: no nsid", where, i);
		(void)jnum(jget(ns, "enable"), &en);
		if (jnum(jget(ns, "ana_grpid"), &grp) != 0)
			(void)jnum(jget(jget(ns, "ana"), "grpid"), &grp);
		if (path == NULL || path[0] == '\0') {
			if (en)
				return nv_fail(n, -EINVAL,
					       "%s (%s) namespace %lld: enabled without "
					       "device.path",
					       where, nqn, nsid);
			nv_note(n,
				"%s (%s) namespace %lld: disabled and without a device, left out",
				where, nqn, nsid);
			continue;
		}
		o = json_object_new_object();
		jadd_int(o, "nsid", nsid);
		jadd_str(o, "backend", "file");
		jadd_str(o, "path", path);
		if (grp != 1) {
			jadd_int(o, "ana_group", grp);
			nv_ana_state(groups, grp, NULL, NULL);
		}
		if (!en)
			json_object_object_add(o, "enabled", json_object_new_boolean(0));
		if (resv != NULL && strcmp(resv, "0") != 0)
			json_object_object_add(o, "reservations", json_object_new_boolean(1));
		nv_id(o, "uuid", jattr(ns, "device", "uuid"), false);
		nv_id(o, "nguid", jattr(ns, "device", "nguid"), true);
		json_object_array_add(jarr_of(out, "namespaces"), o);
	}
	return rc;
}

static int nv_subsys(struct nv *n, struct json_object *root, struct json_object *s, size_t i,
		     struct json_object *out, struct json_object *groups)
{
	static const char *const strs[] = { "serial", "model", "firmware" };
	const char *nqn = jattr(s, NULL, "nqn"), *v;
	struct json_object *o, *hosts, *pt;
	char where[48];
	long long x;
	size_t k;
	int rc;

	if (nqn == NULL)
		return nv_fail(n, -EINVAL, "subsystems[%zu]: no nqn", i);
	pt = jget(s, "passthru");
	if (pt != NULL && json_object_is_type(pt, json_type_array) &&
	    json_object_array_length(pt) > 0)
		return nv_fail(n, -EINVAL,
			       "subsystems[%zu] (%s): a passthru subsystem; nvmetfcd has none", i,
			       nqn);
	v = jattr(s, "attr", "pi_enable");
	if (v != NULL && strcmp(v, "0") != 0)
		return nv_fail(n, -EINVAL,
			       "subsystems[%zu] (%s): attr.pi_enable %s: nvmetfcd has "
			       "no T10 PI",
			       i, nqn, v);
	o = json_object_new_object();
	jadd_str(o, "nqn", nqn);
	for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
		if ((v = jattr(s, "attr", strs[k])) != NULL && v[0] != '\0')
			jadd_str(o, strs[k], v);
	if (jnum(jget(jget(s, "attr"), "ieee_oui"), &x) == 0 && x != 0)
		jadd_int(o, "ieee_oui", x);
	/* nvmet's defaults (1, NVME_CNTLID_MAX) are the whole range */
	if (jnum(jget(jget(s, "attr"), "cntlid_min"), &x) == 0 && x != 1)
		jadd_int(o, "cntlid_min", x);
	if (jnum(jget(jget(s, "attr"), "cntlid_max"), &x) == 0 && x != 0xffef)
		jadd_int(o, "cntlid_max", x);
	v = jattr(s, "attr", "allow_any_host");
	json_object_object_add(o, "allow_any_host",
			       json_object_new_boolean(v != NULL && strcmp(v, "0") != 0));
	if (jnum(jget(jget(s, "attr"), "qid_max"), &x) == 0 && x != 128)
		nv_note(n,
			"subsystems[%zu] (%s): attr.qid_max %lld not kept: nvmetfcd limits "
			"I/O queues per port (max_io_queues)",
			i, nqn, x);
	snprintf(where, sizeof(where), "subsystems[%zu]", i);
	hosts = jarray(n, s, "allowed_hosts", where, &rc);
	for (k = 0; !rc && hosts != NULL && k < json_object_array_length(hosts); k++)
		json_object_array_add(jarr_of(o, "hosts"),
				      json_object_get(json_object_array_get_idx(hosts, k)));
	if (rc) {
		json_object_put(o);
		return rc;
	}
	nv_subsys_ports(n, root, nqn, o);
	if (jget(o, "ports") == NULL)
		nv_note(n, "subsystems[%zu] (%s): on no FC port", i, nqn);
	rc = nv_namespaces(n, s, i, nqn, o, groups);
	json_object_array_add(out, o);
	return rc;
}

/* ---- the whole file ------------------------------------------------------- */

static int nv_convert(struct nv *n, struct json_object *root, struct json_object *out)
{
	struct json_object *ports = json_object_new_array(), *groups = json_object_new_array();
	struct json_object *subsys = json_object_new_array(), *refs = json_object_new_array();
	struct json_object *arr, *d;
	char wwn[24];
	unsigned int k;
	size_t i;
	int rc;

	rc = nv_hosts(n, root);
	arr = rc ? NULL : jarray(n, root, "ports", NULL, &rc);
	for (i = 0; !rc && arr != NULL && i < json_object_array_length(arr); i++)
		rc = nv_port(n, json_object_array_get_idx(arr, i), i, ports, groups, refs);
	if (!rc && n->nports == 0)
		rc = nv_fail(n, -EINVAL, "no FC port (ports[] with addr.trtype \"fc\")");
	for (k = 0; !rc && k < n->ndevs; k++)
		if (!n->devs[k].used) {
			fcnvme_wwn_format(n->devs[k].wwpn, wwn, sizeof(wwn));
			rc = nv_fail(n, -EINVAL, "dev %s: no FC port has that WWPN", wwn);
		}
	arr = rc ? NULL : jarray(n, root, "subsystems", NULL, &rc);
	for (i = 0; !rc && arr != NULL && i < json_object_array_length(arr); i++)
		rc = nv_subsys(n, root, json_object_array_get_idx(arr, i), i, subsys, groups);
	if (!rc && n->keys_len) {
		d = json_object_new_object();
		jadd_str(d, "auth_keys_file", n->keys_file);
		json_object_object_add(out, "daemon", d);
	}
	json_object_object_add(out, "ports", ports);
	json_object_object_add(out, "ana_groups", groups);
	json_object_object_add(out, "subsystems", subsys);
	json_object_object_add(out, "referrals", refs);
	return rc;
}

/* Write the keys file: created, mode 0600, never over another file. */
static int nv_keys_write(struct nv *n)
{
	int fd, rc = 0;

	fd = open(n->keys_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return nv_fail(n, -errno, "keys-file %s: %s", n->keys_file, strerror(errno));
	if (write(fd, n->keys, n->keys_len) != (ssize_t)n->keys_len || fsync(fd) != 0)
		rc = nv_fail(n, -errno, "keys-file %s: %s", n->keys_file, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = nv_fail(n, -errno, "keys-file %s: %s", n->keys_file, strerror(errno));
	if (rc)
		unlink(n->keys_file);
	return rc;
}

static int nv_args(struct nv *n, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *eq;

		if (i + 1 >= argc)
			return fcnvme_err(n->err, n->errlen, -EINVAL, "%s needs a value", argv[i]);
		if (!strcmp(argv[i], "keys-file")) {
			if (argv[i + 1][0] != '/')
				return fcnvme_err(n->err, n->errlen, -EINVAL,
						  "keys-file %s: give an absolute path (the daemon "
						  "reads it)",
						  argv[i + 1]);
			n->keys_file = argv[i + 1];
			continue;
		}
		if (strcmp(argv[i], "dev") != 0)
			return fcnvme_err(n->err, n->errlen, -EINVAL,
					  "unknown option %s (dev WWPN=DEV, keys-file PATH)",
					  argv[i]);
		eq = strchr(argv[i + 1], '=');
		if (n->ndevs == NV_MAX_DEVS)
			return fcnvme_err(n->err, n->errlen, -E2BIG, "more than %d dev options",
					  NV_MAX_DEVS);
		if (eq == NULL || eq[1] == '\0')
			return fcnvme_err(n->err, n->errlen, -EINVAL, "dev %s: give WWPN=DEV",
					  argv[i + 1]);
		{
			char w[64];

			snprintf(w, sizeof(w), "%.*s", (int)(eq - argv[i + 1]), argv[i + 1]);
			if (fcnvme_wwn_parse(w, &n->devs[n->ndevs].wwpn) != 0)
				return fcnvme_err(n->err, n->errlen, -EINVAL,
						  "dev %s: %s is not a WWPN", argv[i + 1], w);
		}
		n->devs[n->ndevs++].dev = eq + 1;
	}
	return 0;
}

int ctl_nvmetcli_run_to(int argc, char **argv, bool json, FILE *out_fp, FILE *notes, char *err,
			size_t errlen)
{
	struct nv n = { .notes = notes, .err = err, .errlen = errlen };
	struct json_object *root = NULL, *out = NULL;
	int rc;

	if (argc < 1)
		return fcnvme_err(err, errlen, -EINVAL, "config from-nvmetcli needs FILE");
	n.file = argv[0];
	rc = nv_args(&n, argc - 1, argv + 1);
	if (rc)
		return rc;
	root = json_object_from_file(n.file);
	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		const char *why = json_util_get_last_err();

		json_object_put(root);
		return fcnvme_err(err, errlen, -EINVAL, "%s: not nvmetcli's JSON: %.*s", n.file,
				  why != NULL ? (int)strcspn(why, "\n") : 22,
				  why != NULL ? why : "the top is no object");
	}
	n.keys = calloc(1, NV_KEYS_MAX);
	out = json_object_new_object();
	if (n.keys == NULL || out == NULL) {
		rc = fcnvme_err(err, errlen, -ENOMEM, "out of memory");
		goto out_put;
	}
	rc = nv_convert(&n, root, out);
	if (!rc && n.keys_len)
		rc = nv_keys_write(&n);
	if (rc)
		goto out_put;
	if (json) {
		fprintf(out_fp, "%s\n",
			json_object_to_json_string_ext(
				out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		fprintf(out_fp, "# converted by fcnvmectl config from-nvmetcli from %s\n", n.file);
		rc = ctl_conf_emit(out, n.file, out_fp, err, errlen);
	}
	if (!rc && (fflush(out_fp) != 0 || ferror(out_fp)))
		rc = fcnvme_err(err, errlen, -EIO, "output: %s", strerror(errno));
out_put:
	json_object_put(out);
	json_object_put(root);
	free(n.keys);
	return rc;
}

int ctl_nvmetcli_run(int argc, char **argv, bool json, char *err, size_t errlen)
{
	return ctl_nvmetcli_run_to(argc, argv, json, stdout, stderr, err, errlen);
}
