/* struct for Redis scripts: struct.pack(fmt, ...), struct.unpack(fmt, s [, pos]), struct.size(fmt).
 * Written for infera after the format Redis documents for its bundled struct library:
 *   > big endian, < little endian, ! native alignment (!n: align to n), x padding byte,
 *   b/B signed/unsigned char, h/H short, l/L long (8 bytes), T size_t, i/I[n] int of n bytes (default 4),
 *   f float, d double, s zero-terminated string, c[n] n chars (c0 in pack: the whole string; in
 *   unpack: length from the previous value), ' ' ignored. */
#include "CLuaBridge.h"
#include <ctype.h>
#include <string.h>
#include <stdlib.h>

#define MAXINTSIZE 32

typedef struct { int little; int align; } fmt_state;

static int digit_run(const char **fmt, int def) {
    if (!isdigit((unsigned char)**fmt)) return def;
    int a = 0;
    do { a = a * 10 + (*((*fmt)++) - '0'); } while (isdigit((unsigned char)**fmt) && a <= (1 << 20));
    return a;
}

/* Size of the next option; advances fmt. */
static size_t opt_size(lua_State *L, char opt, const char **fmt) {
    switch (opt) {
    case 'B': case 'b': return 1;
    case 'H': case 'h': return 2;
    case 'L': case 'l': return 8;
    case 'T': return sizeof(size_t);
    case 'f': return sizeof(float);
    case 'd': return sizeof(double);
    case 'x': return 1;
    case 'c': return (size_t)digit_run(fmt, 1);
    case 'i': case 'I': {
        int sz = digit_run(fmt, 4);
        if (sz > MAXINTSIZE) luaL_error(L, "integral size %d is larger than limit of %d", sz, MAXINTSIZE);
        return (size_t)sz;
    }
    default: return 0;
    }
}

static size_t gap(size_t len, size_t size, const fmt_state *h) {
    if (size == 0 || (size_t)h->align <= 1) return 0;
    size_t a = size > (size_t)h->align ? (size_t)h->align : size;
    if ((a & (a - 1)) != 0) return 0;
    return (a - (len & (a - 1))) & (a - 1);
}

static void control(lua_State *L, char opt, const char **fmt, fmt_state *h) {
    switch (opt) {
    case ' ': return;
    case '>': h->little = 0; return;
    case '<': h->little = 1; return;
    case '!': {
        int a = digit_run(fmt, (int)sizeof(double));
        if ((a & (a - 1)) != 0) luaL_error(L, "alignment %d is not a power of 2", a);
        h->align = a;
        return;
    }
    default: {
        const char *msg = lua_pushfstring(L, "invalid format option '%c'", opt);
        luaL_argerror(L, 1, msg);
    }
    }
}

static void put_int(luaL_Buffer *b, lua_Number n, int little, int size) {
    char buff[MAXINTSIZE];
    unsigned long long v = (unsigned long long)(long long)n;
    if (n < 0 && n < -9.2e18) v = 0;
    for (int i = 0; i < size; i++) {
        int idx = little ? i : size - 1 - i;
        buff[idx] = (char)(i < 8 ? (v >> (8 * i)) & 0xff : (n < 0 ? 0xff : 0));
    }
    luaL_addlstring(b, buff, (size_t)size);
}

static void put_bytes(luaL_Buffer *b, const void *p, size_t size, int little) {
    const unsigned char *s = p;
    char out[16];
    int host_little = 1;
    host_little = *(char *)&host_little == 1;
    for (size_t i = 0; i < size; i++) out[i] = (char)(little == host_little ? s[i] : s[size - 1 - i]);
    luaL_addlstring(b, out, size);
}

static int b_pack(lua_State *L) {
    luaL_Buffer b;
    const char *fmt = luaL_checkstring(L, 1);
    fmt_state h = {1, 1};
    int arg = 2;
    size_t total = 0;
    luaL_buffinit(L, &b);
    while (*fmt) {
        char opt = *fmt++;
        size_t size = opt_size(L, opt, &fmt);
        size_t pad = gap(total, size, &h);
        total += pad;
        while (pad-- > 0) luaL_addchar(&b, '\0');
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
            put_int(&b, luaL_checknumber(L, arg++), h.little, (int)size);
            break;
        case 'x': luaL_addchar(&b, '\0'); break;
        case 'f': { float f = (float)luaL_checknumber(L, arg++); put_bytes(&b, &f, size, h.little); break; }
        case 'd': { double d = luaL_checknumber(L, arg++); put_bytes(&b, &d, size, h.little); break; }
        case 'c': case 's': {
            size_t l;
            const char *s = luaL_checklstring(L, arg++, &l);
            if (size == 0) size = l;
            luaL_argcheck(L, l >= size, arg - 1, "string too short");
            luaL_addlstring(&b, s, size);
            if (opt == 's') { luaL_addchar(&b, '\0'); size++; }
            break;
        }
        default: control(L, opt, &fmt, &h);
        }
        total += size;
    }
    luaL_pushresult(&b);
    return 1;
}

static lua_Number get_int(const char *buff, int little, int issigned, int size) {
    unsigned long long v = 0;
    for (int i = size - 1; i >= 0; i--) {
        int idx = little ? i : size - 1 - i;
        if (i < 8) v = (v << 8) | (unsigned char)buff[idx];
    }
    if (issigned && size < 8 && size > 0) {
        unsigned long long mask = 1ULL << (size * 8 - 1);
        v = (v ^ mask) - mask;
        return (lua_Number)(long long)v;
    }
    if (issigned) return (lua_Number)(long long)v;
    return (lua_Number)v;
}

static void get_bytes(void *out, const char *in, size_t size, int little) {
    unsigned char *o = out;
    int host_little = 1;
    host_little = *(char *)&host_little == 1;
    for (size_t i = 0; i < size; i++) o[i] = (unsigned char)(little == host_little ? in[i] : in[size - 1 - i]);
}

static int b_unpack(lua_State *L) {
    fmt_state h = {1, 1};
    const char *fmt = luaL_checkstring(L, 1);
    size_t ld;
    const char *data = luaL_checklstring(L, 2, &ld);
    size_t pos = (size_t)luaL_optinteger(L, 3, 1) - 1;
    int n = 0;
    luaL_argcheck(L, pos <= ld, 3, "offset must be 1 or greater");
    while (*fmt) {
        char opt = *fmt++;
        size_t size = opt_size(L, opt, &fmt);
        pos += gap(pos, size, &h);
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        luaL_checkstack(L, 2, "too many results");
        switch (opt) {
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
            lua_pushnumber(L, get_int(data + pos, h.little, islower((unsigned char)opt), (int)size));
            n++;
            break;
        case 'x': break;
        case 'f': { float f; get_bytes(&f, data + pos, size, h.little); lua_pushnumber(L, f); n++; break; }
        case 'd': { double d; get_bytes(&d, data + pos, size, h.little); lua_pushnumber(L, d); n++; break; }
        case 'c': {
            if (size == 0) {
                if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
                size = (size_t)lua_tonumber(L, -1);
                lua_pop(L, 1);
                n--;
                luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
            }
            lua_pushlstring(L, data + pos, size);
            n++;
            break;
        }
        case 's': {
            const char *e = memchr(data + pos, '\0', ld - pos);
            if (e == NULL) luaL_error(L, "unfinished string in data");
            size = (size_t)(e - (data + pos)) + 1;
            lua_pushlstring(L, data + pos, size - 1);
            n++;
            break;
        }
        default: control(L, opt, &fmt, &h);
        }
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos + 1);
    return n + 1;
}

static int b_size(lua_State *L) {
    fmt_state h = {1, 1};
    const char *fmt = luaL_checkstring(L, 1);
    size_t pos = 0;
    while (*fmt) {
        char opt = *fmt++;
        size_t size = opt_size(L, opt, &fmt);
        pos += gap(pos, size, &h);
        if (opt == 's') luaL_argerror(L, 1, "options 's' has no fixed size");
        else if (opt == 'c' && size == 0) luaL_argerror(L, 1, "options 'c0' has no fixed size");
        if (!strchr("bBhHlLTiIfdxc", opt)) control(L, opt, &fmt, &h);
        pos += size;
    }
    lua_pushinteger(L, (lua_Integer)pos);
    return 1;
}

int infera_luaopen_struct(lua_State *L) {
    static const luaL_Reg fns[] = { {"pack", b_pack}, {"unpack", b_unpack}, {"size", b_size}, {NULL, NULL} };
    lua_newtable(L);
    luaL_register(L, NULL, fns);
    return 1;
}
