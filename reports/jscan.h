/* SPDX-License-Identifier: MIT */
#ifndef CVMPREP_JSCAN_H
#define CVMPREP_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A pull reader of JSON (RFC 8259) over a buffer in memory, which allocates nothing: each byte
 * is looked at once (linear), nesting is bounded (JSCAN_DEPTH_MAX), strings are checked for
 * escapes and UTF-8, numbers for their grammar. It serves two needs that a tree parser does
 * not: reading thousands of reports one after the other at the speed of memory (`cvmprep
 * summarize` takes the few members it counts and skips the rest), and saying why a document is
 * not JSON, telling a file cut short ("truncated") from one that is wrong at a line and column.
 *
 * The first error is sticky: every call after it fails at once, and jscan_error() describes it.
 *
 *	jscan_init(&s, buf, len);
 *	if (jscan_enter(&s, JSCAN_OBJECT) < 0) ...
 *	while ((r = jscan_member(&s, &key)) > 0)
 *		if (jscan_str_is(&key, "verdict")) jscan_string(&s, &verdict);
 *		else jscan_skip(&s);
 *	if (r < 0 || jscan_finish(&s) < 0) ...   (the document ends there)
 */

#define JSCAN_DEPTH_MAX 64

enum jscan_type {
	JSCAN_NONE, /* at the end of the input, or after an error */
	JSCAN_OBJECT,
	JSCAN_ARRAY,
	JSCAN_STRING,
	JSCAN_NUMBER,
	JSCAN_LITERAL, /* true, false or null */
	JSCAN_END,     /* the '}' or ']' that closes the container */
};

enum jscan_error {
	JSCAN_OK,
	JSCAN_TRUNCATED, /* the input ends inside the document */
	JSCAN_SYNTAX,    /* something else than what JSON allows there */
	JSCAN_TOO_DEEP,  /* more than JSCAN_DEPTH_MAX nested containers */
	JSCAN_TYPE,      /* valid JSON, but not the type the caller asked for */
};

/* A string as it is in the input: between the quotes, escapes not decoded. */
struct jscan_str {
	const char *raw;
	size_t len;
	bool escaped; /* it holds a backslash escape */
};

struct jscan {
	const char *start, *p, *end;
	unsigned depth;
	uint64_t is_array; /* bit d: the container at depth d + 1 is an array */
	uint64_t has_item; /* bit d: it has had a member or element */
	enum jscan_error err;
	const char *err_at;
	const char *expected; /* what was wanted at err_at */
};

void jscan_init(struct jscan *s, const char *buf, size_t len);

/* The type of the next value, after white space, without taking it. */
enum jscan_type jscan_peek(struct jscan *s);

/* Takes the '{' (JSCAN_OBJECT) or '[' (JSCAN_ARRAY) that must come next. Returns 0 or -1. */
int jscan_enter(struct jscan *s, enum jscan_type t);

/* In an object: returns 1 and the next member's name in *ret (its value comes next: read or
 * skip it), 0 after taking the closing '}', or -1. */
int jscan_member(struct jscan *s, struct jscan_str *ret);

/* In an array: returns 1 when an element comes next (read or skip it), 0 after taking the
 * closing ']', or -1. */
int jscan_element(struct jscan *s);

/* Takes a string value. Returns 0 and *ret, or -1 (JSCAN_TYPE: the value is not a string). */
int jscan_string(struct jscan *s, struct jscan_str *ret);

/* Takes and checks the next value, whatever it is, containers whole. Returns 0 or -1. */
int jscan_skip(struct jscan *s);

/* After the top-level value: only white space may follow. Returns 0 or -1. */
int jscan_finish(struct jscan *s);

/* Checks that buf holds exactly one JSON value. Returns 0 or -1 (the error in s). */
int jscan_validate(struct jscan *s, const char *buf, size_t len);

/* Whether str, decoded, is the NUL-free text lit. */
bool jscan_str_is(const struct jscan_str *str, const char *lit);

/*
 * Decodes str into buf, snprintf-style: at most size - 1 bytes and a NUL; a \u0000 or a text
 * longer than that is cut there. Returns the length written. str must come from a
 * jscan_string() or jscan_member() that succeeded (its escapes are then well formed).
 */
size_t jscan_str_copy(const struct jscan_str *str, char *buf, size_t size);

/* Describes the error in s into buf: "truncated: the input ends at line 3 inside the
 * document", "not JSON at line 3, column 7: expected ':'". Returns buf. */
const char *jscan_error(const struct jscan *s, char *buf, size_t size);

/* Sets the error JSCAN_TYPE at the value about to be read: what the caller wanted there
 * ("a string"). Returns -1. */
int jscan_type_error(struct jscan *s, const char *expected);

#endif
