/* SPDX-License-Identifier: MIT */
#include "dlibs.h"

#include "util.h"

/* Each library's soname is that of the ABI its -dev headers describe (Debian 12, Ubuntu 22.04
 * and 24.04 alike); debian/control names the packages that ship them. */

DLSYM_PROTOTYPE(kmod_new);
DLSYM_PROTOTYPE(kmod_unref);
DLSYM_PROTOTYPE(kmod_set_log_fn);
DLSYM_PROTOTYPE(kmod_list_next);
DLSYM_PROTOTYPE(kmod_module_new_from_name_lookup);
DLSYM_PROTOTYPE(kmod_module_new_from_lookup);
DLSYM_PROTOTYPE(kmod_module_get_module);
DLSYM_PROTOTYPE(kmod_module_get_path);
DLSYM_PROTOTYPE(kmod_module_unref);
DLSYM_PROTOTYPE(kmod_module_unref_list);
DLSYM_PROTOTYPE(kmod_module_probe_insert_module);

static const struct dlib_sym kmod_syms[] = {
    DLSYM_ARG(kmod_new),
    DLSYM_ARG(kmod_unref),
    DLSYM_ARG(kmod_set_log_fn),
    DLSYM_ARG(kmod_list_next),
    DLSYM_ARG(kmod_module_new_from_name_lookup),
    DLSYM_ARG(kmod_module_new_from_lookup),
    DLSYM_ARG(kmod_module_get_module),
    DLSYM_ARG(kmod_module_get_path),
    DLSYM_ARG(kmod_module_unref),
    DLSYM_ARG(kmod_module_unref_list),
    DLSYM_ARG(kmod_module_probe_insert_module),
};
struct dlib dlib_kmod = {
    .soname = "libkmod.so.2", .syms = kmod_syms, .n_syms = ELEMENTSOF(kmod_syms)};

DLSYM_PROTOTYPE(curl_global_init);
DLSYM_PROTOTYPE(curl_global_cleanup);
DLSYM_PROTOTYPE(curl_easy_init);
DLSYM_PROTOTYPE(curl_easy_setopt);
DLSYM_PROTOTYPE(curl_easy_perform);
DLSYM_PROTOTYPE(curl_easy_getinfo);
DLSYM_PROTOTYPE(curl_easy_strerror);
DLSYM_PROTOTYPE(curl_easy_cleanup);

static const struct dlib_sym curl_syms[] = {
    DLSYM_ARG(curl_global_init),   DLSYM_ARG(curl_global_cleanup), DLSYM_ARG(curl_easy_init),
    DLSYM_ARG(curl_easy_setopt),   DLSYM_ARG(curl_easy_perform),   DLSYM_ARG(curl_easy_getinfo),
    DLSYM_ARG(curl_easy_strerror), DLSYM_ARG(curl_easy_cleanup),
};
struct dlib dlib_curl = {
    .soname = "libcurl.so.4", .syms = curl_syms, .n_syms = ELEMENTSOF(curl_syms)};

DLSYM_PROTOTYPE(archive_read_new);
DLSYM_PROTOTYPE(archive_read_free);
DLSYM_PROTOTYPE(archive_read_support_filter_gzip);
DLSYM_PROTOTYPE(archive_read_support_filter_xz);
DLSYM_PROTOTYPE(archive_read_support_filter_zstd);
DLSYM_PROTOTYPE(archive_read_support_format_tar);
DLSYM_PROTOTYPE(archive_read_open);
DLSYM_PROTOTYPE(archive_read_open_fd);
DLSYM_PROTOTYPE(archive_read_open_filename);
DLSYM_PROTOTYPE(archive_read_next_header);
DLSYM_PROTOTYPE(archive_read_data);
DLSYM_PROTOTYPE(archive_read_header_position);
DLSYM_PROTOTYPE(archive_filter_count);
DLSYM_PROTOTYPE(archive_error_string);
DLSYM_PROTOTYPE(archive_set_error);
DLSYM_PROTOTYPE(archive_entry_filetype);
DLSYM_PROTOTYPE(archive_entry_hardlink);
DLSYM_PROTOTYPE(archive_entry_pathname);
DLSYM_PROTOTYPE(archive_entry_size);
DLSYM_PROTOTYPE(archive_entry_symlink);

static const struct dlib_sym archive_syms[] = {
    DLSYM_ARG(archive_read_new),
    DLSYM_ARG(archive_read_free),
    DLSYM_ARG(archive_read_support_filter_gzip),
    DLSYM_ARG(archive_read_support_filter_xz),
    DLSYM_ARG(archive_read_support_filter_zstd),
    DLSYM_ARG(archive_read_support_format_tar),
    DLSYM_ARG(archive_read_open),
    DLSYM_ARG(archive_read_open_fd),
    DLSYM_ARG(archive_read_open_filename),
    DLSYM_ARG(archive_read_next_header),
    DLSYM_ARG(archive_read_data),
    DLSYM_ARG(archive_read_header_position),
    DLSYM_ARG(archive_filter_count),
    DLSYM_ARG(archive_error_string),
    DLSYM_ARG(archive_set_error),
    DLSYM_ARG(archive_entry_filetype),
    DLSYM_ARG(archive_entry_hardlink),
    DLSYM_ARG(archive_entry_pathname),
    DLSYM_ARG(archive_entry_size),
    DLSYM_ARG(archive_entry_symlink),
};
struct dlib dlib_archive = {
    .soname = "libarchive.so.13", .syms = archive_syms, .n_syms = ELEMENTSOF(archive_syms)};

DLSYM_PROTOTYPE(EVP_sha256);
DLSYM_PROTOTYPE(EVP_Digest);
DLSYM_PROTOTYPE(EVP_MD_CTX_new);
DLSYM_PROTOTYPE(EVP_MD_CTX_free);
DLSYM_PROTOTYPE(EVP_DigestInit_ex);
DLSYM_PROTOTYPE(EVP_DigestUpdate);
DLSYM_PROTOTYPE(EVP_DigestFinal_ex);

static const struct dlib_sym crypto_syms[] = {
    DLSYM_ARG(EVP_sha256),	   DLSYM_ARG(EVP_Digest),	 DLSYM_ARG(EVP_MD_CTX_new),
    DLSYM_ARG(EVP_MD_CTX_free),	   DLSYM_ARG(EVP_DigestInit_ex), DLSYM_ARG(EVP_DigestUpdate),
    DLSYM_ARG(EVP_DigestFinal_ex),
};
struct dlib dlib_crypto = {
    .soname = "libcrypto.so.3", .syms = crypto_syms, .n_syms = ELEMENTSOF(crypto_syms)};

DLSYM_PROTOTYPE(blkid_new_probe);
DLSYM_PROTOTYPE(blkid_free_probe);
DLSYM_PROTOTYPE(blkid_probe_set_device);
DLSYM_PROTOTYPE(blkid_probe_enable_superblocks);
DLSYM_PROTOTYPE(blkid_probe_set_superblocks_flags);
DLSYM_PROTOTYPE(blkid_do_safeprobe);
DLSYM_PROTOTYPE(blkid_probe_lookup_value);

static const struct dlib_sym blkid_syms[] = {
    DLSYM_ARG(blkid_new_probe),
    DLSYM_ARG(blkid_free_probe),
    DLSYM_ARG(blkid_probe_set_device),
    DLSYM_ARG(blkid_probe_enable_superblocks),
    DLSYM_ARG(blkid_probe_set_superblocks_flags),
    DLSYM_ARG(blkid_do_safeprobe),
    DLSYM_ARG(blkid_probe_lookup_value),
};
struct dlib dlib_blkid = {
    .soname = "libblkid.so.1", .syms = blkid_syms, .n_syms = ELEMENTSOF(blkid_syms)};
