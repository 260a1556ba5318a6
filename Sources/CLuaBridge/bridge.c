#include "CLuaBridge.h"
#include <lua5.1/lua-cjson.h>
#include <lua5.1/lua-bitop.h>
#include <math.h>

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
