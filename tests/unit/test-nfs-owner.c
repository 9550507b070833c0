/* SHA-256 against the FIPS 180-4 examples and the padding boundaries, and
 * the NFSv4 client owner string against what the Linux client sent to
 * nfsd (its /proc/fs/nfsd/clients/N/info "name:", Linux 6.1 client and
 * server, recorded in the VM suite's identity boot) for NFSv4.0, 4.1 and
 * 4.2, without a uniquifier, with the module parameter and with the
 * network namespace's identifier. */
#include <errno.h>
#include <string.h>

#include "macro.h"
#include "nfs-owner.h"
#include "sha256.h"
#include "tap.h"

static char *hex_of(const char *s, size_t n, char *buf)
{
	return sha256_hex(s, n, 64, buf);
}

static void sha256_vectors(void)
{
	char got[65], *big;
	struct sha256 s;
	uint8_t d[SHA256_DIGEST_SIZE];
	static const struct {
		size_t n;
		const char *hex;
	} as[] = {
		/* "a" x n across the 55/56 and 64 byte padding edges
		 * (reference: another implementation, Python's hashlib) */
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	};

	/* FIPS 180-4 examples (NIST's SHA256.pdf, SHA2_Additional.pdf) */
	is_str(hex_of("abc", 3, got), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256 'abc'");
	is_str(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, got),
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "SHA-256 of the 448-bit message");
	is_str(hex_of("", 0, got), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256 ''");
	big = malloc(1000000);
	if (!big)
		abort();
	memset(big, 'a', 1000000);
	is_str(hex_of(big, 1000000, got), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	       "SHA-256 of a million 'a'");
	/* the same fed in uneven pieces */
	sha256_init(&s);
	for (size_t o = 0, k = 1; o < 1000000; o += k, k = k % 97 + 1)
		sha256_update(&s, big + o, MIN(k, 1000000 - o));
	sha256_final(&s, d);
	for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++)
		(void)snprintf(got + 2 * i, 3, "%02x", d[i]);
	is_str(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	       "... the same fed in pieces of 1 to 97 bytes");
	for (size_t i = 0; i < ARRAY_SIZE(as); i++)
		is_str(hex_of(big, as[i].n, got), as[i].hex, "SHA-256 of %zu 'a'", as[i].n);
	free(big);
	is_str(sha256_hex("abc", 3, 16, got), "ba7816bf8f01cfea", "a 16-digit prefix");
}

struct owner_case {
	unsigned minor;
	const char *uniquifier;
	const char *addr;
	bool migration;
	const char *want;
	const char *what;
};

static void owner_strings(void)
{
	/* nodename "fsvm", server 127.0.0.1: the "name:" nfsd showed */
	static const struct owner_case cases[] = {
		{ 0, NULL, "127.0.0.1", false, "Linux NFSv4.0 fsvm/127.0.0.1", "4.0, no uniquifier" },
		{ 0, "idtest-123", "127.0.0.1", false, "Linux NFSv4.0 fsvm/idtest-123/127.0.0.1", "4.0, identifier" },
		/* the module parameter written with echo keeps its newline */
		{ 0, "fleetclone\n", "127.0.0.1", false, "Linux NFSv4.0 fsvm/fleetclone\n/127.0.0.1",
		  "4.0, module parameter with echo's newline" },
		{ 0, NULL, "10.99.1.1", false, "Linux NFSv4.0 fsvm/10.99.1.1", "4.0, another server address" },
		{ 0, NULL, "127.0.0.1", true, "Linux NFSv4.0 fsvm", "4.0 with migration: the uniform string" },
		{ 1, NULL, "127.0.0.1", false, "Linux NFSv4.1 fsvm", "4.1, no uniquifier" },
		{ 1, "idtest-123", "127.0.0.1", false, "Linux NFSv4.1 idtest-123/fsvm", "4.1, identifier" },
		{ 1, "fleetclone\n", NULL, false, "Linux NFSv4.1 fleetclone\n/fsvm", "4.1, module parameter, no addr needed" },
		{ 2, NULL, "127.0.0.1", false, "Linux NFSv4.2 fsvm", "4.2, no uniquifier" },
		{ 2, "fleetclone\n", "127.0.0.1", false, "Linux NFSv4.2 fleetclone\n/fsvm", "4.2, module parameter" },
		{ 2, "", "127.0.0.1", false, "Linux NFSv4.2 fsvm", "4.2, empty uniquifier is none" },
		/* an IPv6 server as rpc_peeraddr2str() prints it */
		{ 0, NULL, "fd00::1", false, "Linux NFSv4.0 fsvm/fd00::1", "4.0, IPv6 server" },
	};
	char buf[512], uq[80], want[200];
	struct nfs_owner_input in;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct owner_case *c = &cases[i];

		in = (struct nfs_owner_input){ .minor = c->minor, .nodename = "fsvm", .uniquifier = c->uniquifier,
					       .server_addr = c->addr, .migration = c->migration };
		is_int(nfs_owner_string(&in, buf, sizeof(buf)), (int)strlen(c->want), "%s: length", c->what);
		is_str(buf, c->want, "%s", c->what);
	}

	/* a 64-byte identifier (sysfs takes 64) is cut to 63 bytes */
	memset(uq, 'x', 64);
	uq[64] = '\0';
	in = (struct nfs_owner_input){ .minor = 2, .nodename = "web1", .uniquifier = uq };
	(void)nfs_owner_string(&in, buf, sizeof(buf));
	(void)snprintf(want, sizeof(want), "Linux NFSv4.2 %.63s/web1", uq);
	is_str(buf, want, "a 64-byte uniquifier is cut to 63 as the kernel's strscpy() does");

	in = (struct nfs_owner_input){ .minor = 0, .nodename = "fsvm" };
	is_int(nfs_owner_string(&in, buf, sizeof(buf)), -EINVAL, "4.0 without the server address: cannot be built");
	in = (struct nfs_owner_input){ .minor = 1, .nodename = "" };
	is_int(nfs_owner_string(&in, buf, sizeof(buf)), -EINVAL, "no nodename: cannot be built");
	in = (struct nfs_owner_input){ .minor = 1, .nodename = "fsvm" };
	is_int(nfs_owner_string(&in, buf, 10), -ENOBUFS, "a short buffer: -ENOBUFS");

	/* the published hash: a prefix of the owner string's SHA-256 */
	is_str(nfs_owner_hash("Linux NFSv4.2 fsvm", buf), "c4d93ced41e7862f", "owner hash of 'Linux NFSv4.2 fsvm'");
	is_str(nfs_owner_hash("Linux NFSv4.2 fleetclone\n/fsvm", buf), "7b415d7e65a630bb",
	       "owner hash with the module parameter's newline");
	ok(strcmp(nfs_owner_hash("Linux NFSv4.1 fsvm", buf), "c4d93ced41e7862f") != 0,
	   "4.1 and 4.2 of one host: different owners");

	is_str(nfs_owner_source_to_string(NFS_OWNER_HOSTNAME), "hostname", "source hostname");
	is_str(nfs_owner_source_to_string(NFS_OWNER_MODULE_PARAM), "module_param", "source module_param");
	is_str(nfs_owner_source_to_string(NFS_OWNER_IDENTIFIER), "identifier", "source identifier");
	ok(nfs_owner_source_to_string(_NFS_OWNER_SOURCE_MAX) == NULL, "no other source");
}

int main(void)
{
	sha256_vectors();
	owner_strings();
	return tap_done();
}
