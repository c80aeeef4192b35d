/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_ESCAPE_H
#define CVMPREP_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * What the host wrote (a hostname, os-release, a file's contents) is shown, never obeyed: in
 * the text report a control character (C0, DEL, or C1 such as U+009B, the one-byte CSI) would be
 * run by the terminal, a newline could forge a line ("verdict: compatible"), and in JSON a
 * byte that is not UTF-8 makes the document unparseable (RFC 8259 section 8.1). Such bytes are
 * written as escapes: "\xNN" for a byte, "\u0080".."\u009f" for a C1 character.
 */

/* The length of the well-formed UTF-8 character at s (1 to 4; RFC 3629: no overlong form, no
 * surrogate, nothing past U+10FFFF), or 0 when s does not start with one. */
size_t utf8_char_len(const char *s);

/*
 * Writes s with every control character and every byte that is not UTF-8 escaped into buf,
 * snprintf-style: at most size - 1 bytes and a NUL, never half a character or half an escape.
 * Returns the length of the whole escaped text (so text_escape(NULL, 0, s) measures it).
 */
size_t text_escape(char *buf, size_t size, const char *s);
/* The same, written to out. */
void text_escape_fputs(FILE *out, const char *s);

/* s with each byte that is not UTF-8 written "\xNN" (control characters are left to the JSON
 * writer, which escapes them): a new string, or NULL on allocation failure. */
char *utf8_escape_invalid(const char *s);
/* Whether s is well-formed UTF-8 throughout. */
bool utf8_valid(const char *s);

/*
 * Writes s to out as XML 1.0 character data (attr false) or as an attribute value in double
 * quotes (attr true): "&", "<", ">" and '"' as entities (">" always, so "]]>" never appears);
 * what XML 1.0 cannot hold at all, not even as a character reference (C0 controls but tab,
 * newline and carriage return; U+FFFE, U+FFFF; bytes that are not UTF-8), written "\xNN" or
 * "\uFFFE" as text; a carriage return as "&#13;", and in an attribute tab and newline as
 * "&#9;" and "&#10;" too, so that a parser's normalisation gives them back unchanged.
 */
void xml_escape_fputs(FILE *out, const char *s, bool attr);

#endif
