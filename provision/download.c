/* SPDX-License-Identifier: MIT */
#include "download.h"


#include "core/dlibs.h"
#include "core/util.h"

bool download_is_url(const char *s)
{
	return startswith(s, "http://") || startswith(s, "https://");
}

int sha256_buf(const void *buf, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (dlib_load(&dlib_crypto) < 0)
		return dlib_crypto.err;
	if (sym_EVP_Digest(buf, len, md, &n, sym_EVP_sha256(), NULL) != 1 || n != 32)
		return -EIO;
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

struct body {
	char *buf;
	size_t len, cap, max;
	bool too_big, oom;
};

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
	struct body *b = userdata;
	size_t len = size * n;

	if (b->len + len > b->max) {
		b->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024 * 1024;
		char *q;

		while (cap < b->len + len)
			cap *= 2;
		q = realloc(b->buf, cap);
		if (!q) {
			b->oom = true;
			return 0;
		}
		b->buf = q;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	return len;
}

/* The transfer, with every limit set. Returns its CURLcode. */
static CURLcode fetch(const char *url, struct body *b, long *ret_http)
{
	bool https = startswith(url, "https://");
	CURL *curl = sym_curl_easy_init();
	CURLcode rc;

	if (!curl)
		return CURLE_OUT_OF_MEMORY;
	rc = sym_curl_easy_setopt(curl, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, https ? "https" : "http,https");
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)DOWNLOAD_TIMEOUT_S);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)DOWNLOAD_CONNECT_TIMEOUT_S);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)b->max);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	if (rc == CURLE_OK)
		rc = sym_curl_easy_perform(curl);
	sym_curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, ret_http);
	sym_curl_easy_cleanup(curl);
	return rc;
}

int download_fetch(const char *url, size_t max, char **ret, size_t *ret_len, const char **ret_why)
{
	struct body b = { .max = max };
	long http = 0;
	CURLcode rc;

	if (!download_is_url(url)) {
		*ret_why = "not an http:// or https:// URL";
		return -EIO;
	}
	if (dlib_load(&dlib_curl) < 0) {
		*ret_why = dlib_curl.reason;
		return -EIO;
	}
	if (sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -ENOMEM;
	rc = fetch(url, &b, &http);
	sym_curl_global_cleanup();
	if (b.oom || rc == CURLE_OUT_OF_MEMORY) {
		free(b.buf);
		return -ENOMEM;
	}
	if (rc != CURLE_OK || b.too_big) {
		static char why[64];

		free(b.buf);
		snprintf(why, sizeof(why), "HTTP status %ld", http);
		*ret_why = b.too_big			       ? "larger than the limit"
			   : rc == CURLE_HTTP_RETURNED_ERROR ? why
							     : sym_curl_easy_strerror(rc);
		return -EIO;
	}
	*ret = b.buf ? b.buf : strdup("");
	*ret_len = b.len;
	return *ret ? 0 : -ENOMEM;
}

int download_verified(const char *url, const char *want_sha256, char **ret, size_t *ret_len,
		      char *ret_got, const char **ret_why)
{
	char got[SHA256_HEX_LEN + 1], *buf = NULL;
	size_t len = 0;
	int r = download_fetch(url, DOWNLOAD_MAX, &buf, &len, ret_why);

	if (r < 0)
		return r;
	if (sha256_buf(buf, len, got) < 0) {
		free(buf);
		*ret_why = "SHA-256 failed";
		return -EIO;
	}
	if (ret_got)
		memcpy(ret_got, got, sizeof(got));
	if (!sha256_equal(got, want_sha256)) {
		free(buf);
		return -EBADMSG;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
