#ifndef ORCHESTRATOR_CLIENT_CCURL_SHIM_H
#define ORCHESTRATOR_CLIENT_CCURL_SHIM_H
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>

/*
 * Every function bound here is in libcurl 7.61.1 (RHEL 8), the oldest the client supports, except curl_multi_poll
 * (7.66.0), which is bound when present: curl_multi_wait 7.28.0, curl_multi_setopt and curl_multi_timeout 7.15.4,
 * curl_easy_strerror 7.12.0, curl_share_* and curl_version_info 7.10, the rest older (curl's
 * docs/libcurl/symbols-in-versions). Options and information newer than 7.61.1 are used only where the loaded
 * libcurl's version has them: see Sources/OrchestratorClientKit/Transport/LibcurlFeatures.swift.
 *
 * libcurl is loaded with dlopen when the first request is about to be made, not at process start:
 * linking it costs every invocation ~4 ms of dynamic loading (32 libraries), which commands that send
 * nothing (help, usage errors, --dry-run) need not pay. Swift calls only the occ_ functions below;
 * they also give the variadic curl_easy_setopt/curl_easy_getinfo one fixed argument type each.
 */

typedef size_t (*occ_write_callback)(char *data, size_t size, size_t count, void *context);

struct occ_curl_api {
    int loaded;
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    /* curl_multi_poll is 7.66.0: NULL with an older libcurl, which is then waited on with curl_multi_wait (7.28.0),
     * see occ_multi_wait_extra. */
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMcode (*multi_wait)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMcode (*multi_timeout)(CURLM *, long *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    /* The version report names the libcurl it loaded and its TLS backend. */
    curl_version_info_data *(*version_info)(CURLversion);
    /* The library's reused connections (one multi handle per client, DNS and TLS sessions shared). */
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
    CURLSHcode (*share_cleanup)(CURLSH *);
};

/*
 * The table lives in a function-local static because Swift emits no global definitions from a header, only the
 * inline functions it calls, with their statics. Those are internal to each object file: call the occ_ functions
 * from one Swift file only (Transport/CurlTransport.swift), so that there is one table. A release build compiles
 * each Swift file to an object file of its own after inlining across files, so the Swift functions of that file that
 * other files call are marked @inline(never): inlined into another file, their calls would reach that file's own
 * table, never loaded (all NULL), and the optimiser turns a call through NULL into a trap.
 */
static inline struct occ_curl_api *occ_curl_api_table(void) {
    static struct occ_curl_api table;
    return &table;
}
#define occ_curl (*occ_curl_api_table())

static inline const char **occ_curl_load_error(void) {
    static const char *error = "libcurl was not loaded";
    return &error;
}

static inline void occ_curl_load_now(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) { *occ_curl_load_error() = dlerror(); return; }
/* The address is copied with memcpy: a store through a `void **` cast into a function pointer field breaks C's
 * aliasing rules, which an optimiser may exploit. */
#define OCC_BIND(field, symbol) \
    { void *found = dlsym(library, #symbol); \
      if (!found) { *occ_curl_load_error() = "libcurl lacks " #symbol; return; } \
      memcpy(&occ_curl.field, &found, sizeof found); }
    OCC_BIND(global_init, curl_global_init)
    OCC_BIND(easy_init, curl_easy_init)
    OCC_BIND(easy_cleanup, curl_easy_cleanup)
    OCC_BIND(easy_setopt, curl_easy_setopt)
    OCC_BIND(easy_getinfo, curl_easy_getinfo)
    OCC_BIND(easy_strerror, curl_easy_strerror)
    OCC_BIND(multi_init, curl_multi_init)
    OCC_BIND(multi_cleanup, curl_multi_cleanup)
    OCC_BIND(multi_add_handle, curl_multi_add_handle)
    OCC_BIND(multi_remove_handle, curl_multi_remove_handle)
    OCC_BIND(multi_perform, curl_multi_perform)
    OCC_BIND(multi_wait, curl_multi_wait)
    OCC_BIND(multi_timeout, curl_multi_timeout)
    OCC_BIND(multi_info_read, curl_multi_info_read)
    OCC_BIND(slist_append, curl_slist_append)
    OCC_BIND(slist_free_all, curl_slist_free_all)
    OCC_BIND(version_info, curl_version_info)
    OCC_BIND(multi_setopt, curl_multi_setopt)
    OCC_BIND(share_init, curl_share_init)
    OCC_BIND(share_setopt, curl_share_setopt)
    OCC_BIND(share_cleanup, curl_share_cleanup)
#undef OCC_BIND
    /* Optional: libcurl before 7.66.0 has no curl_multi_poll. */
    { void *found = dlsym(library, "curl_multi_poll");
      if (found) memcpy(&occ_curl.multi_poll, &found, sizeof found); }
    if (occ_curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) { *occ_curl_load_error() = "curl_global_init failed"; return; }
    *occ_curl_load_error() = NULL;
    occ_curl.loaded = 1;
}

/* Loads libcurl and curl_global_init()s it, once per process, from any thread.
 * Returns NULL when libcurl is ready, else why it is not. */
static inline const char *occ_curl_load(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, occ_curl_load_now);
    return *occ_curl_load_error();
}

static inline CURL *occ_easy_init(void) { return occ_curl.easy_init(); }
static inline void occ_easy_cleanup(CURL *h) { occ_curl.easy_cleanup(h); }
static inline const char *occ_easy_strerror(CURLcode c) { return occ_curl.easy_strerror(c); }
static inline CURLM *occ_multi_init(void) { return occ_curl.multi_init(); }
static inline CURLMcode occ_multi_cleanup(CURLM *m) { return occ_curl.multi_cleanup(m); }
static inline CURLMcode occ_multi_add_handle(CURLM *m, CURL *h) { return occ_curl.multi_add_handle(m, h); }
static inline CURLMcode occ_multi_remove_handle(CURLM *m, CURL *h) { return occ_curl.multi_remove_handle(m, h); }
static inline CURLMcode occ_multi_perform(CURLM *m, int *running) { return occ_curl.multi_perform(m, running); }
static inline long occ_monotonic_milliseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}
/* Waits up to timeout_ms for a transfer to have work (libcurl shortens the wait to its own timers), or for one of the
 * `count` extra descriptors. With curl_multi_poll (7.66.0) as is. Without it, with curl_multi_wait, which differs in
 * one way: with nothing to wait on (no transfer socket, as while an older libcurl's threaded resolver looks a name
 * up, and no extra descriptor) it returns at once, where curl_multi_poll sleeps. A caller looping on it would
 * spin, so the sleep is done here, as curl's documentation of curl_multi_wait advises: until libcurl's next timer
 * (curl_multi_timeout), never past the caller's timeout, and at most 100 ms at a time. Only when nothing was ready and
 * there was no extra descriptor: with one (the library's I/O thread's eventfd), curl_multi_wait always has something
 * to poll and blocks as curl_multi_poll does. */
static inline CURLMcode occ_multi_wait_extra(CURLM *m, struct curl_waitfd *extra, unsigned int count, int timeout_ms, int *ready) {
    if (occ_curl.multi_poll) return occ_curl.multi_poll(m, extra, count, timeout_ms, ready);
    long started = occ_monotonic_milliseconds();
    int found = 0;
    CURLMcode code = occ_curl.multi_wait(m, extra, count, timeout_ms, &found);
    if (ready) *ready = found;
    if (code != CURLM_OK || count > 0 || found > 0) return code;
    long left = (long)timeout_ms - (occ_monotonic_milliseconds() - started);
    long timer = -1;
    if (occ_curl.multi_timeout(m, &timer) == CURLM_OK && timer >= 0 && timer < left) left = timer;
    if (left > 100) left = 100;
    if (left > 0) {
        struct timespec pause = { left / 1000, (left % 1000) * 1000000L };
        nanosleep(&pause, NULL);
    }
    return code;
}
static inline CURLMcode occ_multi_poll(CURLM *m, int timeout_ms, int *ready) {
    return occ_multi_wait_extra(m, NULL, 0, timeout_ms, ready);
}
/* Waits as occ_multi_poll does, and also until `fd` is readable: how another thread wakes the library's I/O thread.
 * (An extra descriptor rather than curl_multi_wakeup, which needs libcurl 7.68.0.) */
static inline CURLMcode occ_multi_poll_fd(CURLM *m, int fd, int timeout_ms, int *ready) {
    struct curl_waitfd extra;
    extra.fd = fd;
    extra.events = CURL_WAIT_POLLIN;
    extra.revents = 0;
    return occ_multi_wait_extra(m, &extra, 1, timeout_ms, ready);
}
/* 1 when the loaded libcurl has curl_multi_poll (7.66.0), 0 when it is waited on with curl_multi_wait. */
static inline int occ_has_multi_poll(void) { return occ_curl.multi_poll != NULL; }
static inline CURLMcode occ_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return occ_curl.multi_setopt(m, o, v); }
static inline CURLSH *occ_share_init(void) { return occ_curl.share_init(); }
static inline CURLSHcode occ_share_lock(CURLSH *s, curl_lock_data d) { return occ_curl.share_setopt(s, CURLSHOPT_SHARE, d); }
static inline CURLSHcode occ_share_cleanup(CURLSH *s) { return occ_curl.share_cleanup(s); }
static inline CURLMsg *occ_multi_info_read(CURLM *m, int *queued) { return occ_curl.multi_info_read(m, queued); }
static inline struct curl_slist *occ_slist_append(struct curl_slist *l, const char *s) { return occ_curl.slist_append(l, s); }
static inline void occ_slist_free_all(struct curl_slist *l) { occ_curl.slist_free_all(l); }
/* The loaded libcurl's version ("7.88.1") and TLS backend ("OpenSSL/3.0.17", or NULL when built without TLS).
 * Only the struct's first fields are read, which every libcurl since 7.10 has, whatever its age. */
static inline const char *occ_version(void) { return occ_curl.version_info(CURLVERSION_NOW)->version; }
static inline const char *occ_ssl_version(void) { return occ_curl.version_info(CURLVERSION_NOW)->ssl_version; }
/* Its version as a number, 0xXXYYZZ (7.61.1 is 0x073d01): what decides which newer options are used. */
static inline unsigned int occ_version_number(void) { return occ_curl.version_info(CURLVERSION_NOW)->version_num; }
/* 1 when it was built to speak HTTP/2 (CURL_VERSION_HTTP2 among its features, 7.33.0; `features` is one of those
 * first fields). */
static inline int occ_has_http2(void) { return (occ_curl.version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2) != 0; }

static inline CURLcode occ_setopt_long(CURL *h, CURLoption o, long v) { return occ_curl.easy_setopt(h, o, v); }
static inline CURLcode occ_setopt_string(CURL *h, CURLoption o, const char *v) { return occ_curl.easy_setopt(h, o, v); }
static inline CURLcode occ_setopt_pointer(CURL *h, CURLoption o, void *v) { return occ_curl.easy_setopt(h, o, v); }
static inline CURLcode occ_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return occ_curl.easy_setopt(h, o, v); }
static inline CURLcode occ_setopt_write_function(CURL *h, occ_write_callback f) {
    return occ_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
/* Each header line of the answer, the status line and the empty line that ends the head included (CURLOPT_HEADERDATA
 * is its context). */
static inline CURLcode occ_setopt_header_function(CURL *h, occ_write_callback f) {
    return occ_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}

static inline CURLcode occ_getinfo_long(CURL *h, CURLINFO i, long *v) { return occ_curl.easy_getinfo(h, i, v); }
static inline CURLcode occ_getinfo_string(CURL *h, CURLINFO i, char **v) { return occ_curl.easy_getinfo(h, i, v); }
static inline CURLcode occ_getinfo_double(CURL *h, CURLINFO i, double *v) { return occ_curl.easy_getinfo(h, i, v); }
static inline CURLcode occ_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return occ_curl.easy_getinfo(h, i, v); }
/* The value of the field `key` ("Expire date:") of one certificate of CURLINFO_CERTINFO, or NULL. */
static inline const char *occ_certificate_field(struct curl_slist *fields, const char *key) {
    for (struct curl_slist *entry = fields; entry; entry = entry->next) {
        size_t n = 0;
        while (key[n] && entry->data[n] == key[n]) n++;
        if (!key[n]) return entry->data + n;
    }
    return NULL;
}
/* Every certificate of the chain the server presented, leaf first, one line each: its "Expire date" as libcurl's TLS
 * backend words it (OpenSSL: "Nov 27 15:44:00 2027 GMT"), a tab, its "Subject" ("CN = orc.example"). From
 * CURLINFO_CERTINFO, which holds the chain only when CURLOPT_CERTINFO was set and this transfer made the handshake.
 * A field libcurl did not give is empty. Copies them into buffer (NUL-terminated; the certificates past what fits are
 * left out); returns how many. */
static inline int occ_certificate_chain(CURL *h, char *buffer, size_t size) {
    struct curl_certinfo *info = NULL;
    if (size == 0) return 0;
    buffer[0] = 0;
    if (occ_curl.easy_getinfo(h, CURLINFO_CERTINFO, &info) != CURLE_OK || !info) return 0;
    size_t used = 0;
    int copied = 0;
    for (int index = 0; index < info->num_of_certs; index++) {
        const char *expiry = occ_certificate_field(info->certinfo[index], "Expire date:");
        const char *subject = occ_certificate_field(info->certinfo[index], "Subject:");
        if (!expiry) expiry = "";
        if (!subject) subject = "";
        size_t expiryLength = strlen(expiry), subjectLength = strlen(subject);
        if (used + expiryLength + subjectLength + 2 >= size) break;
        memcpy(buffer + used, expiry, expiryLength);
        used += expiryLength;
        buffer[used++] = '\t';
        memcpy(buffer + used, subject, subjectLength);
        used += subjectLength;
        buffer[used++] = '\n';
        buffer[used] = 0;
        copied++;
    }
    return copied;
}
static inline CURLcode occ_getinfo_off(CURL *h, CURLINFO i, int64_t *v) {
    curl_off_t value = -1;
    CURLcode code = occ_curl.easy_getinfo(h, i, &value);
    *v = (int64_t)value;
    return code;
}

/* The descriptor that wakes the library's I/O thread (Transport/TransferLoop.swift); no libcurl in it, so any Swift
 * file may call it. Glibc's Swift module does not export eventfd. */
static inline int occ_wake_descriptor(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

/* Names the calling thread (at most 15 bytes), as `ps -L` and /proc/self/task/N/comm show it; prctl is variadic and
 * pthread_setname_np needs _GNU_SOURCE, so neither reaches Swift directly. */
static inline void occ_name_this_thread(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

#endif
