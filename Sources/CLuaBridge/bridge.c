#include "CLuaBridge.h"
#include <lua5.1/lua-cjson.h>
#include <lua5.1/lua-bitop.h>
#include <math.h>
#include <string.h>
#include <stdio.h>

static infera_lua_callback g_call;
static infera_lua_hook_callback g_hook;

void infera_lua_set_callbacks(infera_lua_callback call, infera_lua_hook_callback hook) {
    g_call = call;
    g_hook = hook;
}

static int trampoline(lua_State *L) {
    void *owner = lua_touserdata(L, lua_upvalueindex(1));
    int op = (int)lua_tointeger(L, lua_upvalueindex(2));
    int n = g_call(L, owner, op);
    if (n < 0) return lua_error(L); /* the Swift frame has returned: raising here is safe */
    return n;
}

void infera_lua_register(lua_State *L, int idx, const char *name, void *owner, int op) {
    if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
    lua_pushlightuserdata(L, owner);
    lua_pushinteger(L, op);
    lua_pushcclosure(L, trampoline, 2);
    lua_setfield(L, idx, name);
}

static void hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_getfield(L, LUA_REGISTRYINDEX, "__infera_owner");
    void *owner = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (g_hook(L, owner)) {
        /* Killed: raise again on every line, so a pcall inside the script cannot swallow it (as Redis). */
        lua_sethook(L, hook, LUA_MASKLINE, 0);
        lua_error(L);
    }
}

void infera_lua_set_hook(lua_State *L, int count, void *owner) {
    if (count <= 0) { lua_sethook(L, NULL, 0, 0); return; }
    lua_pushlightuserdata(L, owner);
    lua_setfield(L, LUA_REGISTRYINDEX, "__infera_owner");
    lua_sethook(L, hook, LUA_MASKCOUNT, count);
}

/* rand48 as Redis's rand.c has it: 48-bit LCG, a = 0x5DEECE66D, c = 0xB; lrand48 returns 31 bits. */
static uint64_t rand48_state = 0x330E;
void infera_lua_srand48(int32_t seed) { rand48_state = (((uint64_t)(uint32_t)seed) << 16) | 0x330E; }
static int32_t lrand48_next(void) {
    rand48_state = (0x5DEECE66DULL * rand48_state + 0xBULL) & ((1ULL << 48) - 1);
    return (int32_t)(rand48_state >> 17);
}

#define REDIS_LRAND48_MAX INT32_MAX
static int redis_math_random(lua_State *L) {
    lua_Number r = (lua_Number)(lrand48_next() % REDIS_LRAND48_MAX) / (lua_Number)REDIS_LRAND48_MAX;
    switch (lua_gettop(L)) {
    case 0: lua_pushnumber(L, r); break;
    case 1: {
        int u = luaL_checkint(L, 1);
        luaL_argcheck(L, 1 <= u, 1, "interval is empty");
        lua_pushnumber(L, floor(r * u) + 1);
        break;
    }
    case 2: {
        int l = luaL_checkint(L, 1);
        int u = luaL_checkint(L, 2);
        luaL_argcheck(L, l <= u, 2, "interval is empty");
        lua_pushnumber(L, floor(r * (u - l + 1)) + l);
        break;
    }
    default: return luaL_error(L, "wrong number of arguments");
    }
    return 1;
}

static int redis_math_randomseed(lua_State *L) {
    infera_lua_srand48(luaL_checkint(L, 1));
    return 0;
}

static void load_lib(lua_State *L, const char *name, lua_CFunction f) {
    lua_pushcfunction(L, f);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    /* Modules such as cjson return their table without setting a global: Redis exposes them as globals. */
    if (name[0] != '\0' && lua_type(L, -1) == LUA_TTABLE) lua_setglobal(L, name);
    else lua_pop(L, 1);
}

static int open_all(lua_State *L) {
    load_lib(L, "", luaopen_base);
    load_lib(L, LUA_TABLIBNAME, luaopen_table);
    load_lib(L, LUA_STRLIBNAME, luaopen_string);
    load_lib(L, LUA_MATHLIBNAME, luaopen_math);
    load_lib(L, LUA_DBLIBNAME, luaopen_debug);
    load_lib(L, "cjson", luaopen_cjson);
    load_lib(L, "bit", luaopen_bit);
    load_lib(L, "struct", infera_luaopen_struct);
    load_lib(L, "cmsgpack", infera_luaopen_cmsgpack);
    /* luaopen_cjson/bit register globals through luaL_register; also keep them in _G by name. */
    lua_getglobal(L, "math");
    lua_pushcfunction(L, redis_math_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, redis_math_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    return 0;
}

int infera_lua_open_libraries(lua_State *L) {
    lua_pushcfunction(L, open_all);
    return lua_pcall(L, 0, 0, 0);
}

/* ---- The scripts' globals ----
 * __index of the sandbox environment: the real global, or Redis's error for a name that does not
 * exist. In C because every global a script reads (redis, KEYS, ARGV ...) comes through here. */
static int env_index(lua_State *L) {
    const char *name;
    lua_pushvalue(L, 2);
    lua_rawget(L, LUA_GLOBALSINDEX);
    if (lua_type(L, -1) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    name = lua_tostring(L, 2);
    if (name == NULL) name = "";
    luaL_where(L, 1);
    lua_pushfstring(L, "Script attempted to access nonexistent global variable '%s'", name);
    lua_concat(L, 2);
    return lua_error(L);
}

void infera_lua_push_env_index(lua_State *L) {
    lua_pushcfunction(L, env_index);
}

/* ---- Read-only tables, as Redis 7.0's lua_enablereadonlytable ----
 * The system Lua 5.1 has no read-only tables, so a protected table is an empty proxy whose
 * metatable reads through to the real table and refuses writes. registry.__infera_ro maps each proxy
 * to its real table (so next/pairs/rawget see the contents); registry.__infera_ro_mt maps a proxy to
 * what getmetatable answers for it (nil unless registered). rawset/setmetatable on a proxy fail. */

#define RO_MESSAGE "Attempt to modify a readonly table"

static int ro_newindex(lua_State *L) {
    luaL_where(L, 1);
    lua_pushstring(L, RO_MESSAGE);
    lua_concat(L, 2);
    return lua_error(L);
}

/* If the value at idx is a proxy, replaces it (in place) with its real table; returns 1 if so. */
static int ro_unwrap(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE) return 0;
    lua_getfield(L, LUA_REGISTRYINDEX, "__infera_ro");
    if (lua_type(L, -1) != LUA_TTABLE) { lua_pop(L, 1); return 0; }
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    if (lua_type(L, -1) != LUA_TTABLE) { lua_pop(L, 2); return 0; }
    lua_replace(L, idx);
    lua_pop(L, 1);
    return 1;
}

static int ro_is_proxy(lua_State *L, int idx) {
    int r;
    lua_pushvalue(L, idx);
    r = ro_unwrap(L, lua_gettop(L));
    lua_pop(L, 1);
    return r;
}

void infera_lua_mark_readonly(lua_State *L, int proxy, int real) {
    if (proxy < 0 && proxy > LUA_REGISTRYINDEX) proxy = lua_gettop(L) + proxy + 1;
    if (real < 0 && real > LUA_REGISTRYINDEX) real = lua_gettop(L) + real + 1;
    lua_getfield(L, LUA_REGISTRYINDEX, "__infera_ro");
    lua_pushvalue(L, proxy);
    lua_pushvalue(L, real);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* Pushes a read-only proxy of the table at idx (the same proxy each time for the same table). */
static void ro_push_proxy(lua_State *L, int idx) {
    if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
    lua_getfield(L, LUA_REGISTRYINDEX, "__infera_ro_of");
    lua_pushvalue(L, idx);
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TTABLE) { lua_remove(L, -2); return; }
    lua_pop(L, 1);
    lua_createtable(L, 0, 0);                /* proxy */
    lua_createtable(L, 0, 2);                /* its metatable */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);                       /* __infera_ro_of[real] = proxy */
    lua_remove(L, -2);
    infera_lua_mark_readonly(L, -1, idx);
}

/* Replaces every table field of the table at idx by its read-only proxy, recursively (once per table). */
static void ro_protect_fields(lua_State *L, int idx) {
    if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (lua_type(L, -1) == LUA_TTABLE && lua_type(L, -2) == LUA_TSTRING && !ro_is_proxy(L, -1)) {
            const char *k = lua_tostring(L, -2);
            if (strcmp(k, "_G") != 0 && strncmp(k, "__", 2) != 0) {
                lua_getfield(L, LUA_REGISTRYINDEX, "__infera_ro_of");
                lua_pushvalue(L, -2);
                lua_rawget(L, -2);
                int seen = lua_type(L, -1) == LUA_TTABLE;
                lua_pop(L, 2);
                if (!seen) ro_protect_fields(L, -1);
                ro_push_proxy(L, -1);
                lua_pushvalue(L, -3);        /* key */
                lua_insert(L, -2);
                lua_rawset(L, idx);          /* setting an existing key during lua_next is allowed */
            }
        }
        lua_pop(L, 1);
    }
}

void infera_lua_push_readonly(lua_State *L, int idx) {
    if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
    ro_protect_fields(L, idx);
    ro_push_proxy(L, idx);
}

/* What getmetatable answers for proxy at `proxy`: the value at `mt` (pops nothing). */
void infera_lua_set_readonly_metatable(lua_State *L, int proxy, int mt) {
    if (proxy < 0 && proxy > LUA_REGISTRYINDEX) proxy = lua_gettop(L) + proxy + 1;
    if (mt < 0 && mt > LUA_REGISTRYINDEX) mt = lua_gettop(L) + mt + 1;
    lua_getfield(L, LUA_REGISTRYINDEX, "__infera_ro_mt");
    lua_pushvalue(L, proxy);
    lua_pushvalue(L, mt);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static int ro_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    ro_unwrap(L, 1);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int ro_pairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));   /* next */
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int ro_rawget(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    ro_unwrap(L, 1);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

static int ro_plain_error(lua_State *L) {
    lua_pushstring(L, RO_MESSAGE);
    return lua_error(L);
}

static int ro_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (ro_is_proxy(L, 1)) return ro_plain_error(L);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int ro_call_original(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static int ro_setmetatable(lua_State *L) {
    if (ro_is_proxy(L, 1)) return ro_plain_error(L);
    return ro_call_original(L);
}

static int ro_getmetatable(lua_State *L) {
    if (ro_is_proxy(L, 1)) {
        lua_getfield(L, LUA_REGISTRYINDEX, "__infera_ro_mt");
        lua_pushvalue(L, 1);
        lua_rawget(L, -2);
        return 1;
    }
    return ro_call_original(L);
}

static void ro_wrap_global(lua_State *L, const char *name, lua_CFunction f) {
    lua_getfield(L, LUA_GLOBALSINDEX, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, LUA_GLOBALSINDEX, name);
}

/* ---- loadstring/load never load precompiled chunks (Redis patches Lua's parser so a binary chunk
 * is parsed as text and fails: `unexpected symbol near 'char(27)'`). A reader that starts the
 * stream with a space makes the system Lua choose its text parser the same way. */
typedef struct { const char *s; size_t len; int stage; } text_reader;

static const char *read_as_text(lua_State *L, void *ud, size_t *size) {
    text_reader *r = (text_reader *)ud;
    (void)L;
    if (r->stage == 0) { r->stage = 1; *size = 1; return " "; }
    if (r->stage == 1) { r->stage = 2; *size = r->len; return r->s; }
    *size = 0;
    return NULL;
}

static int load_text(lua_State *L, const char *s, size_t len, const char *chunkname) {
    text_reader r = { s, len, 0 };
    if (lua_load(L, read_as_text, &r, chunkname) == 0) return 1;
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int safe_loadstring(lua_State *L) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *chunkname = luaL_optstring(L, 2, s);
    if (len > 0 && s[0] == LUA_SIGNATURE[0]) return load_text(L, s, len, chunkname);
    return ro_call_original(L);
}

static int safe_load(lua_State *L) {
    const char *chunkname = luaL_optstring(L, 2, "=(load)");
    luaL_Buffer b;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 2);
    luaL_buffinit(L, &b);
    for (;;) {
        size_t n;
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) { lua_pop(L, 1); break; }
        if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
        lua_tolstring(L, -1, &n);
        if (n == 0) { lua_pop(L, 1); break; }
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    {
        size_t len;
        const char *s = lua_tolstring(L, -1, &len);
        int r;
        if (len > 0 && s[0] == LUA_SIGNATURE[0]) return load_text(L, s, len, chunkname);
        r = luaL_loadbuffer(L, s, len, chunkname);
        if (r == 0) return 1;
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
}

static int protect_all(lua_State *L) {
    lua_newtable(L); lua_setfield(L, LUA_REGISTRYINDEX, "__infera_ro");
    lua_newtable(L); lua_setfield(L, LUA_REGISTRYINDEX, "__infera_ro_of");
    lua_newtable(L); lua_setfield(L, LUA_REGISTRYINDEX, "__infera_ro_mt");
    /* The primitives that would see through (or write through) a proxy. */
    lua_pushcfunction(L, ro_next);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_GLOBALSINDEX, "next");
    lua_pushcclosure(L, ro_pairs, 1);
    lua_setfield(L, LUA_GLOBALSINDEX, "pairs");
    lua_pushcfunction(L, ro_rawget);
    lua_setfield(L, LUA_GLOBALSINDEX, "rawget");
    lua_pushcfunction(L, ro_rawset);
    lua_setfield(L, LUA_GLOBALSINDEX, "rawset");
    ro_wrap_global(L, "setmetatable", ro_setmetatable);
    ro_wrap_global(L, "getmetatable", ro_getmetatable);
    ro_wrap_global(L, "loadstring", safe_loadstring);
    lua_pushcfunction(L, safe_load);
    lua_setfield(L, LUA_GLOBALSINDEX, "load");
    /* Every library table reachable from the globals. */
    ro_protect_fields(L, LUA_GLOBALSINDEX);
    /* Strings' metatable: methods read the protected string table; getmetatable('') is protected. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_getfield(L, LUA_GLOBALSINDEX, "string");
        lua_setfield(L, -2, "__index");
        ro_push_proxy(L, -1);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

int infera_lua_protect_libraries(lua_State *L) {
    lua_pushcfunction(L, protect_all);
    return lua_pcall(L, 0, 0, 0);
}

/* A Lua number as Redis 7.0 passes it to a command: "%.17g". */
int infera_format_double(double d, char *buf, int size) {
    return snprintf(buf, (size_t)size, "%.17g", d);
}
