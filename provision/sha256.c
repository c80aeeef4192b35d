/* SPDX-License-Identifier: MIT */
#include "sha256.h"

#include <ctype.h>
#include <fcntl.h>
#include <strings.h>

#include "core/dlibs.h"
#include "core/util.h"

bool sha256_hex_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return false;
	return n == SHA256_HEX_LEN;
}

bool sha256_equal(const char *a, const char *b)
{
	return sha256_hex_valid(a) && sha256_hex_valid(b) && strcasecmp(a, b) == 0;
}

int sha256_file(const char *path, char *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx;
	int r = 0;

	if (fd < 0)
		return -errno;
	if (dlib_load(&dlib_crypto) < 0)
		return dlib_crypto.err;
	ctx = sym_EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (sym_EVP_DigestInit_ex(ctx, sym_EVP_sha256(), NULL) != 1)
		r = -EIO;
	while (r == 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		else if (n == 0)
			break;
		else if (sym_EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			r = -EIO;
	}
	if (r == 0 && (sym_EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 32))
		r = -EIO;
	sym_EVP_MD_CTX_free(ctx);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < md_len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}
