// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for fcnvmectl config from-nvmetcli (tools/fcnvmectl_nvmetcli.c):
 * small nvmet configurations in nvmetcli's layout converted to the exact
 * libconfig text and notes; the HMAC name, identifiers in UUID notation,
 * referral names; every refusal writes nothing. The whole path with the
 * daemon serving the result: tests/integration/nvmetcli.sh.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcnvmectl.h"

#define WWPN  "0x10000090fa000001"
#define FCDEV "dev", WWPN "=soft:lab"

static char dir[64], in[128], keys[128];
static char *out_text, *notes_text;
static size_t out_len, notes_len;
static char err[1024];

/* The FC port every test has (portid 3), then more. */
#define PORT                                                                              \
	"{\"portid\": 3, \"addr\": {\"trtype\": \"fc\", \"adrfam\": \"fc\", \"traddr\": " \
	"\"nn-0x20000090fa000001:pn-0x10000090fa000001\", \"trsvcid\": \"none\"}"

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_nvmetcli.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(in, sizeof(in), "%s/config.json", dir);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	out_text = notes_text = NULL;
}

static void teardown(void)
{
	unlink(in);
	unlink(keys);
	rmdir(dir);
	free(out_text);
	free(notes_text);
}

/* Convert text (written to in) with the options; the result, the output
 * and the notes in out_text and notes_text. */
static int run(const char *text, bool json, int argc, const char *const *argv)
{
	FILE *f = fopen(in, "w"), *out, *notes;
	char *args[16], copies[16][128];
	int i, rc;

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	args[0] = in;
	for (i = 0; i < argc && i < 15; i++) {
		snprintf(copies[i], sizeof(copies[i]), "%s", argv[i]);
		args[i + 1] = copies[i];
	}
	free(out_text);
	free(notes_text);
	out = open_memstream(&out_text, &out_len);
	notes = open_memstream(&notes_text, &notes_len);
	err[0] = '\0';
	rc = ctl_nvmetcli_run_to(argc + 1, args, json, out, notes, err, sizeof(err));
	fclose(out);
	fclose(notes);
	return rc;
}

/* out_text without its first line (the comment naming the input). */
static const char *body(void)
{
	const char *nl = strchr(out_text, '\n');

	return nl ? nl + 1 : out_text;
}

START_TEST(port_and_subsystem)
{
	static const char *const o[] = { FCDEV };
	static const char text[] =
		"{\"ports\": [" PORT ", \"subsystems\": [\"nqn.2026-12.io.x:a\"], \"param\": "
		"{\"max_queue_size\": \"128\", \"pi_enable\": \"0\"}}],"
		" \"subsystems\": [{\"nqn\": \"nqn.2026-12.io.x:a\", \"allowed_hosts\": "
		"[\"nqn.2026-12.io.x:h\"], \"attr\": {\"allow_any_host\": \"0\", \"serial\": "
		"\"abc\", \"model\": \"Linux\", \"cntlid_min\": \"1\", \"cntlid_max\": \"65519\", "
		"\"qid_max\": \"128\", \"version\": \"1.3\"}, \"namespaces\": [{\"nsid\": 4, "
		"\"enable\": 1, \"ana_grpid\": 1, \"device\": {\"path\": \"/dev/sdb\", \"uuid\": "
		"\"00000000-0000-0000-0000-000000000000\", \"nguid\": "
		"\"0a000000-0000-0000-0000-00000000000b\"}}]}]}";

	ck_assert_int_eq(run(text, false, 2, o), 0);
	ck_assert_str_eq(body(), "ports = (\n"
				 "\t{\n"
				 "\t\tname = \"fc3\";\n"
				 "\t\tdev = \"soft:lab\";\n"
				 "\t\tportid = 3;\n"
				 "\t\twwnn = \"0x20000090fa000001\";\n"
				 "\t\twwpn = \"0x10000090fa000001\";\n"
				 "\t\tmax_queue_size = 128;\n"
				 "\t}\n"
				 ");\n"
				 "subsystems = (\n"
				 "\t{\n"
				 "\t\tnqn = \"nqn.2026-12.io.x:a\";\n"
				 "\t\tserial = \"abc\";\n"
				 "\t\tmodel = \"Linux\";\n"
				 "\t\tallow_any_host = false;\n"
				 "\t\thosts = [ \"nqn.2026-12.io.x:h\" ];\n"
				 "\t\tports = [ \"fc3\" ];\n"
				 "\t\tnamespaces = (\n"
				 "\t\t\t{\n"
				 "\t\t\t\tnsid = 4;\n"
				 "\t\t\t\tbackend = \"file\";\n"
				 "\t\t\t\tpath = \"/dev/sdb\";\n"
				 "\t\t\t\tnguid = \"0a00000000000000000000000000000b\";\n"
				 "\t\t\t}\n"
				 "\t\t);\n"
				 "\t}\n"
				 ");\n");
	ck_assert_str_eq(notes_text, "");
	/* the same as JSON */
	ck_assert_int_eq(run(text, true, 2, o), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\"nguid\":\"0a00000000000000000000000000000b\""));
	ck_assert_ptr_nonnull(strstr(out_text, "\"name\":\"fc3\""));
}
END_TEST

START_TEST(keys_and_referrals)
{
	const char *o[] = { FCDEV, "keys-file", keys };
	static const char text[] =
		"{\"hosts\": [{\"nqn\": \"nqn.2026-12.io.x:h\", \"dhchap\": {\"key\": \"K1\", "
		"\"ctrl_key\": \"K2\", \"hash\": \"hmac(sha384)\", \"dhgroup\": \"ffdhe3072\"}},"
		" {\"nqn\": \"nqn.2026-12.io.x:g\", \"dhchap\": {\"key\": \"\"}}],"
		" \"ports\": [" PORT ", \"referrals\": [{\"name\": \"1\", \"enable\": 1, \"addr\": "
		"{\"trtype\": \"fc\", \"portid\": \"7\", \"treq\": \"required\", \"traddr\": "
		"\"nn-0x20000090fa0000aa:pn-0x10000090fa0000aa\"}}, {\"name\": \"t\", \"enable\": "
		"1, \"addr\": {\"trtype\": \"tcp\", \"traddr\": \"192.0.2.1\"}}]}]}";
	struct stat st;
	char line[512];
	FILE *f;

	ck_assert_int_eq(run(text, false, 4, o), 0);
	ck_assert_ptr_nonnull(strstr(body(), "daemon = {\n\tauth_keys_file = \""));
	ck_assert_ptr_nonnull(
		strstr(body(), "referrals = (\n"
			       "\t{\n"
			       "\t\tname = \"r1-fc3\";\n"
			       "\t\ttraddr = \"nn-0x20000090fa0000aa:pn-0x10000090fa0000aa\";\n"
			       "\t\tportid = 7;\n"
			       "\t\ttreq = \"required\";\n"
			       "\t\tports = [ \"fc3\" ];\n"
			       "\t}\n"
			       ");\n"));
	snprintf(line, sizeof(line),
		 "fcnvmectl: %s: note: ports[0].referrals[1] (t): a tcp "
		 "referral, left out (FC only)\n",
		 in);
	ck_assert_str_eq(notes_text, line);
	ck_assert_int_eq(stat(keys, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	f = fopen(keys, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "nqn.2026-12.io.x:h K1 K2 hashes=sha384 dhgroups=ffdhe3072\n");
	ck_assert_ptr_null(fgets(line, sizeof(line), f)); /* the keyless host: no line */
	fclose(f);
	/* never over an existing file */
	ck_assert_int_eq(run(text, false, 4, o), -EEXIST);
	snprintf(line, sizeof(line), "%s: keys-file %s: File exists", in, keys);
	ck_assert_str_eq(err, line);
}
END_TEST

/* Each refusal names its place and prints nothing. */
START_TEST(refusals)
{
	static const char *const dev[] = { FCDEV };
	static const char *const nodev[] = { "keys-file", "/nonexistent/keys" };
	static const char *const extra[] = { FCDEV, "dev", "0x10000090fa0000ff=soft:x" };
	static const struct {
		const char *text;
		const char *const *argv;
		int argc;
		const char *want; /* after "FILE: " */
	} c[] = {
		{ "{\"ports\": [" PORT "}]}", nodev, 2,
		  "ports[0]: FC port 3 (WWPN 0x10000090fa000001) needs its HBA: give dev "
		  "0x10000090fa000001=DEV (soft:FABRIC, /dev/uioN, pci:DDDD:BB:DD.F or "
		  "vmport:/SOCKET)" },
		{ "{\"ports\": [" PORT "}]}", extra, 4,
		  "dev 0x10000090fa0000ff: no FC port has that WWPN" },
		{ "{\"hosts\": [{\"nqn\": \"nqn.2026-12.io.x:h\", \"dhchap\": {\"key\": \"K\"}}], "
		  "\"ports\": [" PORT "}]}",
		  dev, 2,
		  "hosts[0] (nqn.2026-12.io.x:h) has a DH-HMAC-CHAP key: give keys-file PATH to "
		  "carry it over (without it the host would connect unauthenticated)" },
		{ "{\"ports\": [{\"portid\": 4, \"addr\": {\"trtype\": \"tcp\"}}]}", dev, 2,
		  "no FC port (ports[] with addr.trtype \"fc\")" },
		{ "{\"ports\": [" PORT ", \"param\": {\"pi_enable\": \"1\"}}]}", dev, 2,
		  "ports[0]: param.pi_enable 1: nvmetfcd has no T10 PI" },
		{ "{\"ports\": [" PORT "}], \"subsystems\": [{\"nqn\": \"nqn.2026-12.io.x:a\", "
		  "\"passthru\": [{\"device\": {\"path\": \"/dev/nvme0\"}}]}]}",
		  dev, 2,
		  "subsystems[0] (nqn.2026-12.io.x:a): a passthru subsystem; nvmetfcd has none" },
		{ "{\"ports\": [" PORT "}], \"subsystems\": [{\"nqn\": \"nqn.2026-12.io.x:a\", "
		  "\"namespaces\": [{\"nsid\": 1, \"enable\": 1, \"device\": {\"path\": \"\"}}]}]}",
		  dev, 2,
		  "subsystems[0] (nqn.2026-12.io.x:a) namespace 1: enabled without device.path" },
		{ "{\"ports\": 5}", dev, 2, "ports: not an array" },
	};
	char want[1024];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert_int_eq(run(c[i].text, false, c[i].argc, c[i].argv), -EINVAL);
		snprintf(want, sizeof(want), "%s: %s", in, c[i].want);
		ck_assert_str_eq(err, want);
		ck_assert_str_eq(out_text, "");
	}
}
END_TEST

static Suite *nvmetcli_suite(void)
{
	Suite *s = suite_create("nvmetcli");
	TCase *tc = tcase_create("convert");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, port_and_subsystem);
	tcase_add_test(tc, keys_and_referrals);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(nvmetcli_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
