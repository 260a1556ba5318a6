// libcurl for Swift: curl_easy_setopt / curl_easy_getinfo are variadic C macros-over-functions that
// Swift cannot call, so each argument type gets one non-variadic static inline wrapper here.
#include <curl/curl.h>

typedef size_t (*infera_curl_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode infera_curl_setopt_long(CURL *h, CURLoption opt, long value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode infera_curl_setopt_string(CURL *h, CURLoption opt, const char *value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode infera_curl_setopt_pointer(CURL *h, CURLoption opt, void *value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode infera_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode infera_curl_setopt_offset(CURL *h, CURLoption opt, curl_off_t value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode infera_curl_setopt_callback(CURL *h, CURLoption opt, infera_curl_data_cb value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode infera_curl_getinfo_long(CURL *h, CURLINFO info, long *out) {
    return curl_easy_getinfo(h, info, out);
}
static inline CURLcode infera_curl_getinfo_double(CURL *h, CURLINFO info, double *out) {
    return curl_easy_getinfo(h, info, out);
}
