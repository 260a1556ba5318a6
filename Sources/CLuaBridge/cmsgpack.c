/* cmsgpack for Redis scripts: cmsgpack.pack(...), cmsgpack.unpack(s), cmsgpack.unpack_one(s [, offset]),
 * cmsgpack.unpack_limit(s, limit [, offset]). Written for infera after the behaviour Redis documents
 * for its bundled lua_cmsgpack: integers in the smallest encoding, floats as float32 when exact,
 * tables as arrays when their keys are 1..n, maps otherwise, nesting limited to 16 levels. */
#include "CLuaBridge.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>

#define MP_MAX_NESTING 16

typedef struct { char *b; size_t len, cap; int oom; } mp_buf;

static void buf_put(mp_buf *m, const void *p, size_t n) {
    if (m->oom) return;
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        while (cap < m->len + n) cap *= 2;
        char *nb = realloc(m->b, cap);
        if (!nb) { m->oom = 1; return; }
        m->b = nb; m->cap = cap;
    }
    memcpy(m->b + m->len, p, n);
    m->len += n;
}

static void put_be(mp_buf *m, unsigned char tag, uint64_t v, int bytes) {
    unsigned char out[9];
    out[0] = tag;
    for (int i = 0; i < bytes; i++) out[1 + i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
    buf_put(m, out, 1 + bytes);
}

static void enc_int(mp_buf *m, int64_t v) {
    if (v >= 0) {
        if (v <= 127) { unsigned char c = (unsigned char)v; buf_put(m, &c, 1); }
        else if (v <= 0xff) put_be(m, 0xcc, (uint64_t)v, 1);
        else if (v <= 0xffff) put_be(m, 0xcd, (uint64_t)v, 2);
        else if (v <= 0xffffffffLL) put_be(m, 0xce, (uint64_t)v, 4);
        else put_be(m, 0xcf, (uint64_t)v, 8);
    } else {
        if (v >= -32) { unsigned char c = (unsigned char)(int8_t)v; buf_put(m, &c, 1); }
        else if (v >= -128) put_be(m, 0xd0, (uint64_t)v & 0xff, 1);
        else if (v >= -32768) put_be(m, 0xd1, (uint64_t)v & 0xffff, 2);
        else if (v >= -2147483648LL) put_be(m, 0xd2, (uint64_t)v & 0xffffffff, 4);
        else put_be(m, 0xd3, (uint64_t)v, 8);
    }
}

static void enc_double(mp_buf *m, double d) {
    float f = (float)d;
    if ((double)f == d) {
        uint32_t u; memcpy(&u, &f, 4);
        put_be(m, 0xca, u, 4);
    } else {
        uint64_t u; memcpy(&u, &d, 8);
        put_be(m, 0xcb, u, 8);
    }
}

static void enc_string(mp_buf *m, const char *s, size_t len) {
    if (len < 32) { unsigned char c = (unsigned char)(0xa0 | len); buf_put(m, &c, 1); }
    else if (len <= 0xff) put_be(m, 0xd9, len, 1);
    else if (len <= 0xffff) put_be(m, 0xda, len, 2);
    else put_be(m, 0xdb, len, 4);
    buf_put(m, s, len);
}

static void enc_header(mp_buf *m, size_t n, unsigned char fix, unsigned char b16, unsigned char b32) {
    if (n <= 15) { unsigned char c = (unsigned char)(fix | n); buf_put(m, &c, 1); }
    else if (n <= 0xffff) put_be(m, b16, n, 2);
    else put_be(m, b32, n, 4);
}

/* The array length when the table's keys are exactly 1..n, else -1. */
static long table_array_length(lua_State *L, int idx) {
    long count = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) { lua_pop(L, 1); return -1; }
        lua_Number n = lua_tonumber(L, -1);
        if (n <= 0 || n != floor(n)) { lua_pop(L, 1); return -1; }
        if ((long)n > max) max = (long)n;
        count++;
    }
    return max == count ? count : -1;
}

static void enc_value(lua_State *L, mp_buf *m, int level);

static void enc_table(lua_State *L, mp_buf *m, int level) {
    int idx = lua_gettop(L);
    long n = table_array_length(L, idx);
    if (n >= 0) {
        enc_header(m, (size_t)n, 0x90, 0xdc, 0xdd);
        for (long i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, (int)i);
            enc_value(L, m, level + 1);
        }
    } else {
        size_t pairs = 0;
        lua_pushnil(L);
        while (lua_next(L, idx)) { lua_pop(L, 1); pairs++; }
        enc_header(m, pairs, 0x80, 0xde, 0xdf);
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            lua_pushvalue(L, -2);
            enc_value(L, m, level + 1); /* key */
            enc_value(L, m, level + 1); /* value */
        }
    }
}

/* Encodes the value on top of the stack and pops it. */
static void enc_value(lua_State *L, mp_buf *m, int level) {
    lua_checkstack(L, 4);
    switch (lua_type(L, -1)) {
    case LUA_TSTRING: { size_t len; const char *s = lua_tolstring(L, -1, &len); enc_string(m, s, len); break; }
    case LUA_TBOOLEAN: { unsigned char c = lua_toboolean(L, -1) ? 0xc3 : 0xc2; buf_put(m, &c, 1); break; }
    case LUA_TNUMBER: {
        lua_Number n = lua_tonumber(L, -1);
        if (n == floor(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0 && !isinf(n)) enc_int(m, (int64_t)n);
        else enc_double(m, n);
        break;
    }
    case LUA_TTABLE:
        if (level < MP_MAX_NESTING) { enc_table(L, m, level); break; }
        /* fall through: too deep, encoded as nil */
    default: { unsigned char c = 0xc0; buf_put(m, &c, 1); break; }
    }
    lua_pop(L, 1);
}

static int mp_pack(lua_State *L) {
    int argc = lua_gettop(L);
    if (argc == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
    mp_buf m = {0};
    for (int i = 1; i <= argc; i++) {
        lua_pushvalue(L, i);
        enc_value(L, &m, 0);
    }
    if (m.oom) { free(m.b); return luaL_error(L, "out of memory"); }
    lua_pushlstring(L, m.b ? m.b : "", m.len);
    free(m.b);
    return 1;
}

typedef struct { const unsigned char *p; size_t left; int error; } mp_cur;

static uint64_t rd_be(mp_cur *c, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v = (v << 8) | c->p[i];
    c->p += bytes; c->left -= bytes;
    return v;
}

#define NEED(c, n) do { if ((c)->left < (size_t)(n)) { (c)->error = 1; return; } } while (0)

static void dec_value(lua_State *L, mp_cur *c, int level);

static void dec_array(lua_State *L, mp_cur *c, size_t n, int level) {
    if (level >= 64 || n > c->left) { c->error = 1; return; }
    lua_createtable(L, (int)n, 0);
    for (size_t i = 1; i <= n; i++) {
        dec_value(L, c, level + 1);
        if (c->error) return;
        lua_rawseti(L, -2, (int)i);
    }
}

static void dec_map(lua_State *L, mp_cur *c, size_t n, int level) {
    if (level >= 64 || n > c->left) { c->error = 1; return; }
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) {
        dec_value(L, c, level + 1);
        if (c->error) return;
        dec_value(L, c, level + 1);
        if (c->error) return;
        if (lua_isnil(L, -2)) { lua_pop(L, 2); continue; }
        lua_rawset(L, -3);
    }
}

static void dec_str(lua_State *L, mp_cur *c, size_t len) {
    if (c->left < len) { c->error = 1; return; }
    lua_pushlstring(L, (const char *)c->p, len);
    c->p += len; c->left -= len;
}

static void dec_value(lua_State *L, mp_cur *c, int level) {
    NEED(c, 1);
    if (!lua_checkstack(L, 4)) { c->error = 1; return; }
    unsigned char t = c->p[0];
    c->p++; c->left--;
    if (t <= 0x7f) { lua_pushnumber(L, t); return; }
    if (t >= 0xe0) { lua_pushnumber(L, (int8_t)t); return; }
    if ((t & 0xe0) == 0xa0) { dec_str(L, c, t & 0x1f); return; }
    if ((t & 0xf0) == 0x90) { dec_array(L, c, t & 0x0f, level); return; }
    if ((t & 0xf0) == 0x80) { dec_map(L, c, t & 0x0f, level); return; }
    switch (t) {
    case 0xc0: lua_pushnil(L); return;
    case 0xc2: lua_pushboolean(L, 0); return;
    case 0xc3: lua_pushboolean(L, 1); return;
    case 0xcc: NEED(c, 1); lua_pushnumber(L, (lua_Number)rd_be(c, 1)); return;
    case 0xcd: NEED(c, 2); lua_pushnumber(L, (lua_Number)rd_be(c, 2)); return;
    case 0xce: NEED(c, 4); lua_pushnumber(L, (lua_Number)rd_be(c, 4)); return;
    case 0xcf: NEED(c, 8); lua_pushnumber(L, (lua_Number)rd_be(c, 8)); return;
    case 0xd0: NEED(c, 1); lua_pushnumber(L, (int8_t)rd_be(c, 1)); return;
    case 0xd1: NEED(c, 2); lua_pushnumber(L, (int16_t)rd_be(c, 2)); return;
    case 0xd2: NEED(c, 4); lua_pushnumber(L, (int32_t)rd_be(c, 4)); return;
    case 0xd3: NEED(c, 8); lua_pushnumber(L, (lua_Number)(int64_t)rd_be(c, 8)); return;
    case 0xca: { NEED(c, 4); uint32_t u = (uint32_t)rd_be(c, 4); float f; memcpy(&f, &u, 4); lua_pushnumber(L, f); return; }
    case 0xcb: { NEED(c, 8); uint64_t u = rd_be(c, 8); double d; memcpy(&d, &u, 8); lua_pushnumber(L, d); return; }
    case 0xd9: case 0xc4: NEED(c, 1); dec_str(L, c, (size_t)rd_be(c, 1)); return;
    case 0xda: case 0xc5: NEED(c, 2); dec_str(L, c, (size_t)rd_be(c, 2)); return;
    case 0xdb: case 0xc6: NEED(c, 4); dec_str(L, c, (size_t)rd_be(c, 4)); return;
    case 0xdc: NEED(c, 2); dec_array(L, c, (size_t)rd_be(c, 2), level); return;
    case 0xdd: NEED(c, 4); dec_array(L, c, (size_t)rd_be(c, 4), level); return;
    case 0xde: NEED(c, 2); dec_map(L, c, (size_t)rd_be(c, 2), level); return;
    case 0xdf: NEED(c, 4); dec_map(L, c, (size_t)rd_be(c, 4), level); return;
    default: c->error = 1; return;
    }
}

/* Decodes up to `limit` values (0: all) from `offset`; pushes [next offset,] values. */
static int mp_unpack_full(lua_State *L, int limit, int offset, int with_offset) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    if (offset < 0 || (size_t)offset > len) return luaL_error(L, "Start offset %d greater than input length %d.", offset, (int)len);
    mp_cur c = { (const unsigned char *)s + offset, len - (size_t)offset, 0 };
    int base = lua_gettop(L);
    if (with_offset) lua_pushnil(L); /* placeholder for the next offset */
    int count = 0;
    while (c.left > 0 && (limit == 0 || count < limit)) {
        dec_value(L, &c, 0);
        if (c.error) { lua_settop(L, base); return luaL_error(L, "Missing bytes in input."); }
        count++;
    }
    if (with_offset) {
        lua_pushnumber(L, c.left == 0 ? -1 : (lua_Number)(len - c.left));
        lua_replace(L, base + 1);
    }
    return lua_gettop(L) - base;
}

static int mp_unpack(lua_State *L) { return mp_unpack_full(L, 0, 0, 0); }
static int mp_unpack_one(lua_State *L) { return mp_unpack_full(L, 1, (int)luaL_optinteger(L, 2, 0), 1); }
static int mp_unpack_limit(lua_State *L) {
    int limit = (int)luaL_checkinteger(L, 2);
    return mp_unpack_full(L, limit < 0 ? 0 : limit, (int)luaL_optinteger(L, 3, 0), 1);
}

int infera_luaopen_cmsgpack(lua_State *L) {
    static const luaL_Reg fns[] = {
        {"pack", mp_pack}, {"unpack", mp_unpack}, {"unpack_one", mp_unpack_one}, {"unpack_limit", mp_unpack_limit},
        {NULL, NULL},
    };
    lua_newtable(L);
    luaL_register(L, NULL, fns);
    lua_pushliteral(L, "lua-cmsgpack");
    lua_setfield(L, -2, "_NAME");
    lua_pushliteral(L, "0.4.0");
    lua_setfield(L, -2, "_VERSION");
    return 1;
}
