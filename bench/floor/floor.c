/*
 * bench/floor/floor.c: the floor for orchestrator-client's request commands.
 *
 * The least a program can do to give the same answers the same way: it loads libcurl exactly as the client does
 * (Sources/CCurl/shim.h: dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL), dlsym of the same 15 functions,
 * curl_global_init(CURL_GLOBAL_DEFAULT)), sets the same options on each transfer as CurlTransport.configure, drives
 * one multi handle with the same loop as CurlTransport.send (perform, info_read, poll 100 ms) and detects the leader
 * as OrchestratorSession.leaderEndpoint does (all endpoints at once, the first 200 wins, the others abandoned;
 * routed-leader-check if no leader-check says 200). The command request then goes through the same multi handle, so
 * it reuses the leader probe's connection, as the client's does. What it leaves out is everything that is not
 * needed for these two commands against a well-behaved server: argument and value validation, the profile file,
 * credentials and TLS options (none are set in the benchmark), retries, error texts, a full JSON parser.
 *
 *   ORCHESTRATOR_API="http://127.0.0.1:P1/api http://127.0.0.1:P2/api ..." floor discover HOST:PORT
 *       prints Details.Key as HOST:PORT, as `orchestrator-client -c discover -i HOST:PORT` does
 *   ORCHESTRATOR_API="http://127.0.0.1:P/api" floor topology ALIAS
 *       prints the Details string, unescaped, as `orchestrator-client -c topology -a ALIAS` does
 *
 * Exit status: 0 on success, 1 on any failure (with a line on stderr), 2 for a usage error.
 * Built by bench/run.sh with `cc -O2` at benchmark time; never committed as a binary.
 *
 * Compiled with -DFLOOR_LOAD_ONLY (bench/profile.sh), it stops right after loading libcurl and curl_global_init:
 * the cost of the library loading alone, to split the floor's time between loading and talking.
 */
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The same values as the client: Timeouts.default (3 s connect, 1 s per leader probe, 60 s in all) and the user
 * agent "orchestrator-client/<ClientVersion.current>". */
#define CONNECT_MS 3000L
#define LEADER_PROBE_MS 1000L
#define TOTAL_MS 60000L
#define USER_AGENT "orchestrator-client/0.1.0"
#define MAX_ENDPOINTS 16

/* --- libcurl, loaded as Sources/CCurl/shim.h loads it ------------------------------------------------------------- */
static struct {
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
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static void die(const char *what, const char *detail) {
    fprintf(stderr, "floor: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void load_curl(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) die("cannot load libcurl", dlerror());
#define BIND(field, symbol) \
    if (!(*(void **)(&curl.field) = dlsym(library, #symbol))) die("libcurl lacks", #symbol);
    BIND(global_init, curl_global_init)
    BIND(easy_init, curl_easy_init)
    BIND(easy_cleanup, curl_easy_cleanup)
    BIND(easy_setopt, curl_easy_setopt)
    BIND(easy_getinfo, curl_easy_getinfo)
    BIND(easy_strerror, curl_easy_strerror)
    BIND(multi_init, curl_multi_init)
    BIND(multi_cleanup, curl_multi_cleanup)
    BIND(multi_add_handle, curl_multi_add_handle)
    BIND(multi_remove_handle, curl_multi_remove_handle)
    BIND(multi_perform, curl_multi_perform)
    BIND(multi_poll, curl_multi_poll)
    BIND(multi_info_read, curl_multi_info_read)
    BIND(slist_append, curl_slist_append)
    BIND(slist_free_all, curl_slist_free_all)
#undef BIND
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) die("curl_global_init failed", NULL);
}

/* --- time ---------------------------------------------------------------------------------------------------------- */
static uint64_t now_ms(void) { /* Clock.nowMilliseconds */
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}
static uint64_t deadline;
static long remaining_ms(void) {
    uint64_t now = now_ms();
    return now >= deadline ? 0 : (long)(deadline - now);
}

/* --- transfers (CurlTransport.send) -------------------------------------------------------------------------------- */
struct transfer {
    CURL *handle;
    char *body;
    size_t length, capacity;
    char error[CURL_ERROR_SIZE + 1];
    int done, failed;
    long status;
};

static size_t on_data(char *data, size_t size, size_t count, void *context) {
    struct transfer *t = context;
    size_t length = size * count;
    if (t->length == 0 && t->capacity == 0) { /* sized once from Content-Length, as the client does */
        curl_off_t announced = -1;
        curl.easy_getinfo(t->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
        if (announced > 0) {
            t->capacity = (size_t)announced;
            t->body = malloc(t->capacity + 1);
        }
    }
    if (t->length + length + 1 > t->capacity) {
        t->capacity = (t->length + length + 1) * 2;
        t->body = realloc(t->body, t->capacity);
    }
    if (!t->body) return 0;
    memcpy(t->body + t->length, data, length);
    t->length += length;
    t->body[t->length] = 0;
    return length;
}

static struct curl_slist *headers;

/* Set for a change: it takes a connection of its own, as the client's must (on a reused connection that closes
 * unanswered, libcurl silently sends the request again; a change would be applied twice). */
static int fresh_connection = 0;

static void configure(struct transfer *t, const char *url, long index, long timeout_ms) {
    CURL *h = t->handle;
    curl.easy_setopt(h, CURLOPT_URL, url);
    curl.easy_setopt(h, CURLOPT_PRIVATE, (void *)(intptr_t)index);
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, t->error);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
    curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms < 1 ? 1L : timeout_ms);
    long connect = CONNECT_MS < timeout_ms ? CONNECT_MS : timeout_ms;
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect < 1 ? 1L : connect);
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, (void *)t);
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    if (fresh_connection) curl.easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
}

/* Sends GET urls[0..n) at once on `multi`; returns the index of the first transfer that ended with HTTP 200 when
 * first_200 is set (the others are abandoned), else waits for all. -1 when none qualifies. */
static int send_all(CURLM *multi, char urls[][1100], struct transfer *transfers, int n, long timeout_ms, int first_200) {
    int running = 0, winner = -1;
    for (int i = 0; i < n; i++) {
        memset(&transfers[i], 0, sizeof transfers[i]);
        if (!(transfers[i].handle = curl.easy_init())) die("libcurl could not start a transfer", NULL);
        configure(&transfers[i], urls[i], i, timeout_ms);
        curl.multi_add_handle(multi, transfers[i].handle);
        running++;
    }
    int done = running == 0, still = 0;
    while (!done) {
        curl.multi_perform(multi, &still);
        int queued = 0;
        CURLMsg *message;
        while ((message = curl.multi_info_read(multi, &queued))) {
            if (message->msg != CURLMSG_DONE) continue;
            void *private_pointer = NULL;
            curl.easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &private_pointer);
            struct transfer *t = &transfers[(intptr_t)private_pointer];
            t->done = 1;
            if (message->data.result == CURLE_OK) {
                char *type = NULL;
                curl.easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &t->status);
                curl.easy_getinfo(t->handle, CURLINFO_CONTENT_TYPE, &type);
            } else {
                t->failed = 1;
            }
            curl.multi_remove_handle(multi, t->handle);
            curl.easy_cleanup(t->handle);
            t->handle = NULL;
            running--;
            if (!first_200 || (!t->failed && t->status == 200)) {
                winner = (int)(t - transfers);
                done = 1;
                break;
            }
        }
        if (running == 0) done = 1;
        if (!done) {
            int ready = 0;
            curl.multi_poll(multi, NULL, 0, 100, &ready); /* CurlTransport polls with a 100 ms bound */
        }
    }
    for (int i = 0; i < n; i++) { /* abandon whatever still runs */
        if (transfers[i].handle) {
            curl.multi_remove_handle(multi, transfers[i].handle);
            curl.easy_cleanup(transfers[i].handle);
            transfers[i].handle = NULL;
        }
    }
    return winner;
}

/* --- the few bits of JSON these two answers need ------------------------------------------------------------------- */

/* Appends the JSON string that starts after the opening quote at *p to out (unescaped); returns the end. */
static const char *unescape(const char *p, char *out, size_t *used, size_t capacity) {
    while (*p && *p != '"') {
        unsigned code = (unsigned char)*p++;
        if (code == '\\') {
            char e = *p++;
            switch (e) {
            case 'n': code = '\n'; break;
            case 't': code = '\t'; break;
            case 'r': code = '\r'; break;
            case 'b': code = '\b'; break;
            case 'f': code = '\f'; break;
            case 'u': {
                char hex[5] = {0};
                memcpy(hex, p, 4);
                p += 4;
                code = (unsigned)strtoul(hex, NULL, 16);
                if (code >= 0xD800 && code < 0xDC00 && p[0] == '\\' && p[1] == 'u') { /* surrogate pair */
                    memcpy(hex, p + 2, 4);
                    unsigned low = (unsigned)strtoul(hex, NULL, 16);
                    p += 6;
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                break;
            }
            default: code = (unsigned char)e; break; /* \" \\ \/ */
            }
        }
        char bytes[4];
        int count;
        if (code < 0x80) { bytes[0] = (char)code; count = 1; }
        else if (code < 0x800) { bytes[0] = (char)(0xC0 | code >> 6); bytes[1] = (char)(0x80 | (code & 0x3F)); count = 2; }
        else if (code < 0x10000) {
            bytes[0] = (char)(0xE0 | code >> 12); bytes[1] = (char)(0x80 | ((code >> 6) & 0x3F));
            bytes[2] = (char)(0x80 | (code & 0x3F)); count = 3;
        } else {
            bytes[0] = (char)(0xF0 | code >> 18); bytes[1] = (char)(0x80 | ((code >> 12) & 0x3F));
            bytes[2] = (char)(0x80 | ((code >> 6) & 0x3F)); bytes[3] = (char)(0x80 | (code & 0x3F)); count = 4;
        }
        if (*used + count < capacity) { memcpy(out + *used, bytes, count); *used += count; }
    }
    return p;
}

/* The text after `"name":` at or after `from`, spaces skipped; NULL if absent. */
static const char *member(const char *from, const char *name) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\"", name);
    const char *at = strstr(from, pattern);
    if (!at) return NULL;
    at += strlen(pattern);
    while (*at == ' ' || *at == ':' || *at == '\n' || *at == '\t' || *at == '\r') at++;
    return at;
}

/* --- main ---------------------------------------------------------------------------------------------------------- */
int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "discover") && strcmp(argv[1], "topology"))) {
        fprintf(stderr, "usage: floor discover HOST:PORT | floor topology ALIAS  (endpoints from ORCHESTRATOR_API)\n");
        return 2;
    }
    int discover = strcmp(argv[1], "discover") == 0;

    /* Endpoints: ORCHESTRATOR_API, whitespace-separated, normalized to end in /api (Endpoint(parsing:)). */
    static char endpoints[MAX_ENDPOINTS][512];
    int count = 0;
    const char *api = getenv("ORCHESTRATOR_API");
    char *list = strdup(api && *api ? api : "http://localhost:3000/api");
    for (char *word = strtok(list, " \t\n"); word && count < MAX_ENDPOINTS; word = strtok(NULL, " \t\n")) {
        size_t length = strlen(word);
        while (length && word[length - 1] == '/') word[--length] = 0;
        snprintf(endpoints[count++], sizeof endpoints[0], "%s%s", word,
                 length >= 4 && !strcmp(word + length - 4, "/api") ? "" : "/api");
    }
    /* The request path: discover/HOST/PORT (InstanceKey as two segments) or topology/ALIAS. */
    char path[512];
    if (discover) {
        const char *colon = strrchr(argv[2], ':');
        if (!colon) { fprintf(stderr, "floor: want HOST:PORT\n"); return 2; }
        snprintf(path, sizeof path, "discover/%.*s/%s", (int)(colon - argv[2]), argv[2], colon + 1);
    } else {
        snprintf(path, sizeof path, "topology/%s", argv[2]);
    }

    deadline = now_ms() + TOTAL_MS; /* OrchestratorSession.init */
    load_curl();                    /* CurlTransport.prepare, on the first send */
#ifdef FLOOR_LOAD_ONLY
    return 0;
#endif
    CURLM *multi = curl.multi_init();
    if (!multi) die("libcurl could not start", NULL);
    headers = curl.slist_append(NULL, "Accept: application/json");

    /* Leader: the only endpoint, or the first of all that answers leader-check (then routed-leader-check) with 200. */
    static char urls[MAX_ENDPOINTS][1100];
    static struct transfer transfers[MAX_ENDPOINTS];
    int leader = count == 1 ? 0 : -1;
    const char *checks[] = {"leader-check", "routed-leader-check"};
    for (int c = 0; c < 2 && leader < 0; c++) {
        long timeout = remaining_ms() < LEADER_PROBE_MS ? remaining_ms() : LEADER_PROBE_MS;
        if (timeout <= 0) break;
        for (int i = 0; i < count; i++) snprintf(urls[i], sizeof urls[i], "%.520s/%s", endpoints[i], checks[c]);
        leader = send_all(multi, urls, transfers, count, timeout, 1);
        for (int i = 0; i < count; i++) free(transfers[i].body);
    }
    if (leader < 0) die("no leader", NULL);

    /* The command request, through the same multi handle: a read reuses the leader probe's connection, a change
     * (discover) takes its own, as the client does. */
    fresh_connection = discover;
    snprintf(urls[0], sizeof urls[0], "%.520s/%.520s", endpoints[leader], path);
    struct transfer *t = &transfers[0];
    if (send_all(multi, urls, transfers, 1, remaining_ms(), 0) != 0 || t->failed) die("request failed", t->error);
    curl.multi_cleanup(multi); /* CurlTransport.deinit */
    curl.slist_free_all(headers);
    if (!t->body || t->status >= 400) die("HTTP error", NULL);
    const char *code = member(t->body, "Code");
    if (code && !strncmp(code, "\"ERROR\"", 7)) die("API error", t->body);

    /* What the client prints, written once as ToolResult.emit does. */
    size_t used = 0, capacity = t->length + 2;
    char *out = malloc(capacity);
    const char *details = member(t->body, "Details");
    if (!details) die("no Details in the answer", NULL);
    if (discover) { /* Details.Key → Hostname:Port */
        const char *key = member(details, "Key");
        const char *host = key ? member(key, "Hostname") : NULL;
        const char *port = key ? member(key, "Port") : NULL;
        if (!host || *host != '"' || !port) die("no Details.Key in the answer", NULL);
        unescape(host + 1, out, &used, capacity);
        out[used++] = ':';
        while (*port >= '0' && *port <= '9' && used + 1 < capacity) out[used++] = *port++;
    } else if (*details == '"') { /* Details, a string, as jq -r prints it */
        unescape(details + 1, out, &used, capacity);
    }
    out[used++] = '\n';
    for (size_t written = 0; written < used;) {
        ssize_t n = write(1, out + written, used - written);
        if (n <= 0) return 1;
        written += (size_t)n;
    }
    return 0;
}
