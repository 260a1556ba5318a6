// libcurl for Swift.
//
// Loaded on first use: libcurl is opened with dlopen the first time a transfer needs it, not linked, so
// commands that never talk to a provider (`verify`, `server`, `detect`, `plan` offline, …) do not pay for
// loading it and its ~30 dependencies (GnuTLS, Kerberos, LDAP, nghttp2, …: about 5 ms of CPU at every
// start; docs/verify.md "Start-up"). Every function infera uses goes through an `infera_curl_*` wrapper
// below; calling a `curl_*` function directly from Swift fails to link, which keeps it that way.
//
// curl_easy_setopt / curl_easy_getinfo are variadic, which Swift cannot call, so each argument type gets
// one non-variadic wrapper.
#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

typedef size_t (*infera_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

/// The libcurl handle, opened on first use; NULL when it cannot be loaded (then `*error` says why).
static inline void *infera_curl_library_or_error(const char **error) {
    static void *handle;
    void *h = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
    if (h) return h;
    static const char *const names[] = { "libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4", "libcurl.4.dylib", "libcurl.dylib" };
    // dlerror's text lives until the next dl* call: the first failure is copied (per thread).
    static __thread char first[256];
    first[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !h; i++) {
        h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        const char *e = h ? NULL : dlerror();
        if (e && !first[0]) snprintf(first, sizeof first, "%s", e);
    }
    if (!h) {
        if (error) *error = first[0] ? first : "libcurl.so.4: cannot open shared object file";
        return NULL;
    }
    __atomic_store_n(&handle, h, __ATOMIC_RELEASE);
    return h;
}

static inline void *infera_curl_library(void) { return infera_curl_library_or_error(NULL); }

/// Why libcurl cannot be loaded, or NULL when it is loaded (or loads now).
static inline const char *infera_curl_load_error(void) {
    const char *e = NULL;
    return infera_curl_library_or_error(&e) ? NULL : e;
}

/// The address of libcurl's `name` (NULL when libcurl or the symbol is missing).
static inline void *infera_curl_symbol(const char *name) {
    void *h = infera_curl_library();
    return h ? dlsym(h, name) : NULL;
}

typedef void (*infera_curl_easy_cleanup_fn)(CURL *);
typedef CURL *(*infera_curl_easy_init_fn)(void);
typedef CURLcode (*infera_curl_easy_perform_fn)(CURL *);
typedef void (*infera_curl_easy_reset_fn)(CURL *);
typedef const char *(*infera_curl_easy_strerror_fn)(CURLcode);
typedef CURLcode (*infera_curl_global_init_fn)(long);
typedef struct curl_slist *(*infera_curl_slist_append_fn)(struct curl_slist *, const char *);
typedef void (*infera_curl_slist_free_all_fn)(struct curl_slist *);
typedef char *(*infera_curl_version_fn)(void);

#define INFERA_CURL_FN(type, name) \
    static type fn; \
    type f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE); \
    if (!f) { f = (type)infera_curl_symbol(name); if (f) __atomic_store_n(&fn, f, __ATOMIC_RELEASE); }

static inline CURLcode infera_curl_global_init(long flags) {
    INFERA_CURL_FN(infera_curl_global_init_fn, "curl_global_init")
    return f ? f(flags) : CURLE_FAILED_INIT;
}
static inline CURL *infera_curl_easy_init(void) {
    INFERA_CURL_FN(infera_curl_easy_init_fn, "curl_easy_init")
    return f ? f() : NULL;
}
static inline void infera_curl_easy_cleanup(CURL *h) {
    INFERA_CURL_FN(infera_curl_easy_cleanup_fn, "curl_easy_cleanup")
    if (f && h) f(h);
}
static inline void infera_curl_easy_reset(CURL *h) {
    INFERA_CURL_FN(infera_curl_easy_reset_fn, "curl_easy_reset")
    if (f && h) f(h);
}
static inline CURLcode infera_curl_easy_perform(CURL *h) {
    INFERA_CURL_FN(infera_curl_easy_perform_fn, "curl_easy_perform")
    return f ? f(h) : CURLE_FAILED_INIT;
}
static inline const char *infera_curl_easy_strerror(CURLcode code) {
    INFERA_CURL_FN(infera_curl_easy_strerror_fn, "curl_easy_strerror")
    return f ? f(code) : "libcurl is not loaded";
}
static inline char *infera_curl_version(void) {
    INFERA_CURL_FN(infera_curl_version_fn, "curl_version")
    return f ? f() : (char *)"libcurl not loaded";
}
static inline struct curl_slist *infera_curl_slist_append(struct curl_slist *list, const char *line) {
    INFERA_CURL_FN(infera_curl_slist_append_fn, "curl_slist_append")
    return f ? f(list, line) : NULL;
}
static inline void infera_curl_slist_free_all(struct curl_slist *list) {
    INFERA_CURL_FN(infera_curl_slist_free_all_fn, "curl_slist_free_all")
    if (f && list) f(list);
}

typedef CURLcode (*infera_curl_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*infera_curl_getinfo_fn)(CURL *, CURLINFO, ...);

static inline CURLcode infera_curl_setopt_long(CURL *h, CURLoption opt, long value) {
    INFERA_CURL_FN(infera_curl_setopt_fn, "curl_easy_setopt")
    return f ? f(h, opt, value) : CURLE_FAILED_INIT;
}
static inline CURLcode infera_curl_setopt_string(CURL *h, CURLoption opt, const char *value) {
    INFERA_CURL_FN(infera_curl_setopt_fn, "curl_easy_setopt")
    return f ? f(h, opt, value) : CURLE_FAILED_INIT;
}
static inline CURLcode infera_curl_setopt_pointer(CURL *h, CURLoption opt, void *value) {
    INFERA_CURL_FN(infera_curl_setopt_fn, "curl_easy_setopt")
    return f ? f(h, opt, value) : CURLE_FAILED_INIT;
}
static inline CURLcode infera_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) {
    INFERA_CURL_FN(infera_curl_setopt_fn, "curl_easy_setopt")
    return f ? f(h, opt, value) : CURLE_FAILED_INIT;
}
static inline CURLcode infera_curl_setopt_offset(CURL *h, CURLoption opt, curl_off_t value) {
    INFERA_CURL_FN(infera_curl_setopt_fn, "curl_easy_setopt")
    return f ? f(h, opt, value) : CURLE_FAILED_INIT;
}
static inline CURLcode infera_curl_setopt_callback(CURL *h, CURLoption opt, infera_curl_data_cb value) {
    INFERA_CURL_FN(infera_curl_setopt_fn, "curl_easy_setopt")
    return f ? f(h, opt, value) : CURLE_FAILED_INIT;
}
static inline CURLcode infera_curl_getinfo_long(CURL *h, CURLINFO info, long *out) {
    INFERA_CURL_FN(infera_curl_getinfo_fn, "curl_easy_getinfo")
    return f ? f(h, info, out) : CURLE_FAILED_INIT;
}
static inline CURLcode infera_curl_getinfo_double(CURL *h, CURLINFO info, double *out) {
    INFERA_CURL_FN(infera_curl_getinfo_fn, "curl_easy_getinfo")
    return f ? f(h, info, out) : CURLE_FAILED_INIT;
}

#undef INFERA_CURL_FN
