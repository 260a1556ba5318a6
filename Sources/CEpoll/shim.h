// epoll and eventfd for the engine's plain-TCP transport (Linux only). Swift's Glibc module does not
// export these headers, and struct epoll_event is packed on x86_64, so two tiny wrappers pass the
// file descriptor and event mask as plain integers.
#ifndef INFERA_CEPOLL_SHIM_H
#define INFERA_CEPOLL_SHIM_H
#ifdef __linux__
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// epoll_ctl with the descriptor itself as the event's data.
static inline int infera_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = (uint64_t)(uint32_t)fd;
    return epoll_ctl(epfd, op, fd, &ev);
}

/// epoll_wait that unpacks up to `max` (≤ 256) events into two arrays.
static inline int infera_epoll_wait(int epfd, int *fds, uint32_t *events, int max, int timeout) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout);
    for (int i = 0; i < n; i++) {
        fds[i] = (int)(uint32_t)evs[i].data.u64;
        events[i] = evs[i].events;
    }
    return n;
}
#endif
#endif
