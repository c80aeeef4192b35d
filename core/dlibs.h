/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_DLIBS_H
#define CVMPREP_DLIBS_H

/*
 * The libraries cvmprep loads on first use (core/dlib.h), and the symbols it calls in each:
 * call dlib_load(&dlib_NAME) first, then sym_FUNCTION. Their headers give the types; nothing
 * links against them (the Makefile's DL_PKGS), so debian/control names their packages.
 *  - libkmod: the module indexes (checks/modules.c) and loading shiftfs (provision/);
 *  - libcurl: --sysbox-deb URL (provision/download.c);
 *  - libarchive: image archives and layers (image/);
 *  - libcrypto: SHA-256 of downloads and image blobs;
 *  - libblkid: the filesystem on a device (core/fsprobe.c), which a live node's check does not
 *    read when its mounts name their filesystems.
 */
#include <archive.h>
#include <archive_entry.h>
#include <blkid.h>
#include <curl/curl.h>
#include <libkmod.h>
#include <openssl/evp.h>

#include "dlib.h"

extern struct dlib dlib_kmod, dlib_curl, dlib_archive, dlib_crypto, dlib_blkid;

extern DLSYM_PROTOTYPE(kmod_new);
extern DLSYM_PROTOTYPE(kmod_unref);
extern DLSYM_PROTOTYPE(kmod_set_log_fn);
extern DLSYM_PROTOTYPE(kmod_list_next);
extern DLSYM_PROTOTYPE(kmod_module_new_from_name_lookup);
extern DLSYM_PROTOTYPE(kmod_module_new_from_lookup);
extern DLSYM_PROTOTYPE(kmod_module_get_module);
extern DLSYM_PROTOTYPE(kmod_module_get_path);
extern DLSYM_PROTOTYPE(kmod_module_unref);
extern DLSYM_PROTOTYPE(kmod_module_unref_list);
extern DLSYM_PROTOTYPE(kmod_module_probe_insert_module);

extern DLSYM_PROTOTYPE(curl_global_init);
extern DLSYM_PROTOTYPE(curl_global_cleanup);
extern DLSYM_PROTOTYPE(curl_easy_init);
extern DLSYM_PROTOTYPE(curl_easy_setopt);
extern DLSYM_PROTOTYPE(curl_easy_perform);
extern DLSYM_PROTOTYPE(curl_easy_getinfo);
extern DLSYM_PROTOTYPE(curl_easy_strerror);
extern DLSYM_PROTOTYPE(curl_easy_cleanup);

extern DLSYM_PROTOTYPE(archive_read_new);
extern DLSYM_PROTOTYPE(archive_read_free);
extern DLSYM_PROTOTYPE(archive_read_support_filter_gzip);
extern DLSYM_PROTOTYPE(archive_read_support_filter_xz);
extern DLSYM_PROTOTYPE(archive_read_support_filter_zstd);
extern DLSYM_PROTOTYPE(archive_read_support_format_tar);
extern DLSYM_PROTOTYPE(archive_read_open);
extern DLSYM_PROTOTYPE(archive_read_open_fd);
extern DLSYM_PROTOTYPE(archive_read_open_filename);
extern DLSYM_PROTOTYPE(archive_read_next_header);
extern DLSYM_PROTOTYPE(archive_read_data);
extern DLSYM_PROTOTYPE(archive_read_header_position);
extern DLSYM_PROTOTYPE(archive_filter_count);
extern DLSYM_PROTOTYPE(archive_error_string);
extern DLSYM_PROTOTYPE(archive_set_error);
extern DLSYM_PROTOTYPE(archive_entry_filetype);
extern DLSYM_PROTOTYPE(archive_entry_hardlink);
extern DLSYM_PROTOTYPE(archive_entry_pathname);
extern DLSYM_PROTOTYPE(archive_entry_size);
extern DLSYM_PROTOTYPE(archive_entry_symlink);

extern DLSYM_PROTOTYPE(EVP_sha256);
extern DLSYM_PROTOTYPE(EVP_Digest);
extern DLSYM_PROTOTYPE(EVP_MD_CTX_new);
extern DLSYM_PROTOTYPE(EVP_MD_CTX_free);
extern DLSYM_PROTOTYPE(EVP_DigestInit_ex);
extern DLSYM_PROTOTYPE(EVP_DigestUpdate);
extern DLSYM_PROTOTYPE(EVP_DigestFinal_ex);

extern DLSYM_PROTOTYPE(blkid_new_probe);
extern DLSYM_PROTOTYPE(blkid_free_probe);
extern DLSYM_PROTOTYPE(blkid_probe_set_device);
extern DLSYM_PROTOTYPE(blkid_probe_enable_superblocks);
extern DLSYM_PROTOTYPE(blkid_probe_set_superblocks_flags);
extern DLSYM_PROTOTYPE(blkid_do_safeprobe);
extern DLSYM_PROTOTYPE(blkid_probe_lookup_value);

#endif
